import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { writeFileAtomicWith } from '../src/io/atomic-file.js';
import { writePrettyJson, writePrettyJsonFile, type PrettyJsonOptions } from '../src/io/pretty-json.js';

const pretty = (x: unknown, opts?: PrettyJsonOptions) => {
  const parts: string[] = [];
  writePrettyJson(x, (s) => parts.push(s), opts);
  return { text: parts.join(''), parts };
};

describe('writePrettyJson: JSON.stringify(x, null, 1) + newline, in chunks', () => {
  const cases: [string, unknown][] = [
    ['scalars', [1, 'a', null, true, -0, 1.5]],
    ['empty containers at every depth', { a: [], b: {}, c: { d: { e: [], f: {} }, g: [[], {}, [[]]] } }],
    ['undefined members and items', { a: undefined, b: [undefined, () => 1], c: { d: undefined } }],
    ['a string with newlines, quotes and non-BMP characters', { 's\n"k': 'line\nbreak "q" 𠀀 \u2028', deep: { deeper: { deepest: { x: 'a\nb', y: [1, { z: '\n' }] } } } }],
    ['integer-like keys', { b: 1, 10: 'ten', 2: 'two', a: { 1: [{ 3: null }] } }],
    ['a top-level empty object', {}],
    ['a top-level string', 'x\ny'],
  ];
  for (const [what, x] of cases) {
    it(what, () => expect(pretty(x).text).toBe(JSON.stringify(x, null, 1) + '\n'));
    // the report's layout: two spaces, containers walked five deep, small pieces
    it(`${what}, as the report writes it`, () => expect(pretty(x, { gap: 2, leafDepth: 5, chunk: 8 }).text).toBe(JSON.stringify(x, null, 2) + '\n'));
  }

  it('a report-shaped document in small pieces: the same bytes as JSON.stringify(x, null, 2)', () => {
    const group = (i: number) => ({ region: '131102', regionName: '桃城区', class: 'key', tier: i % 3 ? 'A' : null, population: i, probability: { fraction: `${i}/97`, percent: '1.03%', value: i / 97 }, uniform: true });
    const doc = { period: '2023', rows: [{ name: '衡水市', n: [1, 2, 3] }], fairness: { chance: [{ quarter: '2023Q1', groups: Array.from({ length: 400 }, (_, i) => group(i)), ratios: [] }], never: {} } };
    const { text, parts } = pretty(doc, { gap: 2, leafDepth: 5, chunk: 1 << 13 });
    expect(parts.length).toBeGreaterThan(5);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(2 * (1 << 13));
    expect(text).toBe(JSON.stringify(doc, null, 2) + '\n');
  });

  it('an evidence-shaped document of many objects: several chunks, the same bytes, to a file too', () => {
    const objects = Array.from({ length: 3000 }, (_, i) => ({ id: `O${String(i).padStart(5, '0')}`, region: '131102', class: 'general', tier: null, excluded: i % 7 ? null : 'season', tags: ['a', `t${i}`], offsite: false }));
    const ev = { format: 'sj-evidence/2', draw: { id: 'x', regions: ['131102'] }, snapshot: { objects, avoidance: [['I1', 'O00001']], rules: { rates: { county: { key: 500 } } } }, tasks: [] };
    const { text, parts } = pretty(ev);
    expect(parts.length).toBeGreaterThan(3);
    expect(text).toBe(JSON.stringify(ev, null, 1) + '\n');
    const file = join(mkdtempSync(join(tmpdir(), 'sj-ev-')), 'ev.json');
    writePrettyJsonFile(file, ev);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('writeFileAtomicWith', () => {
  it('writes the pieces as one file, and leaves nothing when the writer fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sj-atomic-'));
    const file = join(dir, 'r.json');
    writeFileAtomicWith(file, (write) => ['{', '"a": 1', '}\n'].forEach(write));
    expect(readFileSync(file, 'utf8')).toBe('{"a": 1}\n');
    const other = join(dir, 'fails.json');
    expect(() => writeFileAtomicWith(other, (write) => {
      write('{"half": ');
      throw new Error('cut');
    })).toThrow('cut');
    expect(existsSync(other)).toBe(false);
    expect(readdirSync(dir)).toEqual(['r.json']);
  });
});
