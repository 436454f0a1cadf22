import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePrettyJson, writePrettyJsonFile } from '../src/io/evidence-file.js';

const pretty = (x: unknown) => {
  const parts: string[] = [];
  writePrettyJson(x, (s) => parts.push(s));
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
  }

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
