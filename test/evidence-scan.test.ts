/**
 * core/json-scan.ts against JSON.parse: the scan reads JSON from bytes a range at a time (issue
 * 13: an evidence file larger than one string), and must give what JSON.parse of the decoded
 * text gives, or fail where it fails. Small chunk sizes make small documents take every path
 * a province-scale file takes (large objects walked member by member, runs of elements, large
 * elements inside runs). io/evidence-check.ts payloadHashesOfBytes against core payloadHashes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { buildJson, canonicalOfScan, JsonScanError, SCAN_CHUNK, scanJson } from '../src/core/json-scan.js';
import { mulberry32 } from '../src/core/prng.js';
import type { Evidence } from '../src/core/types.js';
import { payloadHashes } from '../src/core/verify.js';
import { payloadHashesOfBytes } from '../src/io/evidence-check.js';
import { FIXTURES } from './helpers.js';

const CHUNKS = [1, 2, 3, 5, 8, 13, 40, 200, SCAN_CHUNK];
const enc = new TextEncoder();

/** x with every object's key order, -0 and prototype made visible to toEqual. */
function shape(x: unknown): unknown {
  if (typeof x === 'number') return Object.is(x, -0) ? 'number:-0' : x;
  if (Array.isArray(x)) return x.map(shape);
  if (x !== null && typeof x === 'object') {
    return { proto: Object.getPrototypeOf(x) === Object.prototype, members: Object.keys(x).map((k) => [k, shape((x as Record<string, unknown>)[k])]) };
  }
  return x;
}

/** What JSON.parse of the decoded bytes gives: ['ok', shape] or ['error']. */
function byJsonParse(bytes: Uint8Array): [string, unknown?] {
  try {
    return ['ok', shape(JSON.parse(new TextDecoder().decode(bytes)))];
  } catch {
    return ['error'];
  }
}

function byScan(bytes: Uint8Array, chunk: number): [string, unknown?] {
  try {
    return ['ok', shape(buildJson(bytes, scanJson(bytes, chunk)))];
  } catch (e) {
    expect(e).toBeInstanceOf(SyntaxError); // JsonScanError, or JSON.parse's own of a range; never a crash
    return ['error'];
  }
}

function expectSameAsJsonParse(bytes: Uint8Array, chunks = CHUNKS): void {
  const want = byJsonParse(bytes);
  for (const chunk of chunks) expect(byScan(bytes, chunk), `chunk ${chunk}: ${new TextDecoder().decode(bytes).slice(0, 200)}`).toEqual(want);
}

const SAMPLES = [
  '{}', '[]', ' { } ', '[ ]', '0', '-0', '1e5', '-1.5E-3', '123456789012345678901234567890', 'true', 'false', 'null', '"x"',
  '{"a":1,"b":[1,2,3],"c":{"d":null}}',
  '{"a":1,"a":2,"b":3,"a":{"x":[1]}}', // a repeated key: first place, last value
  '{"__proto__":{"polluted":1},"x":[{"__proto__":[]}]}',
  '{"b":1,"2023":2,"1":3,"a":4,"131102":5}', // integer-like keys go first, as in any object
  '["\\"","\\\\","\\/","\\b\\f\\n\\r\\t","\\u0000\\u001f","\\u00e9","\\ud83d\\ude00","\\ud800","\\udc00x","a\\\\\\"b"]',
  '["😀","衡水市测试0号有限公司","\u2028\u2029","\u007f",""]',
  '{"s":"}]{[,:","t":"\\"}]","u":"\\\\"}',
  '[[[[[]]]],[[{}]],[[1,[2,[3,[4]]]]]]',
  ' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n"x" \t\r\n] \t\r\n} \t\r\n',
  '{"objects":[{"id":"A","n":1},{"id":"B","n":2},{"id":"C","n":[1,2,3,4,5,6,7,8,9,10,11,12]}],"tasks":[1,2,3]}',
  '[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"a","b",{"c":["d"]},[],{},null,true,false,-0,0.5]',
];

const BAD = [
  '', ' ', '{', '}', '[', ']', '{"a"}', '{"a":}', '{"a":1,}', '[1,]', '[,1]', '[1 2]', '{"a":1 "b":2}', '{a:1}', "{'a':1}",
  '[01]', '[1.]', '[.5]', '[+1]', '[tru]', '[nul]', '[True]', '["a]', '["a\\"]', '["\\x"]', '["\\u12"]', '["a\tb"]', '["a\nb"]',
  '{"a":1}}', '[1]]', '[1]x', '{"a":[1,2}', '{"a":{"b":1]}', '[{"a":1]]', '[1,{]', '{"a":1,"b"', '\ufeff\ufeff{}', '{}\ufeff',
  '{"a":1}{"b":2}', '[1] [2]', 'nul', '"abc', '{"a" 1}', '{"a"::1}', '[1,,2]',
];

describe('scanJson + buildJson read JSON as JSON.parse of the decoded text does', () => {
  it('gives the same values, key order, -0, own __proto__ and repeated keys, at every chunk size', () => {
    for (const s of SAMPLES) {
      expect(byJsonParse(enc.encode(s))[0], s).toBe('ok');
      expectSameAsJsonParse(enc.encode(s));
    }
  });

  it('rejects what JSON.parse rejects', () => {
    for (const s of BAD) {
      expect(byJsonParse(enc.encode(s)), s).toEqual(['error']);
      expectSameAsJsonParse(enc.encode(s));
    }
  });

  it('skips a leading byte order mark, as TextDecoder does, and only there', () => {
    const bom = [0xef, 0xbb, 0xbf];
    const withBom = new Uint8Array([...bom, ...enc.encode('{"a":[1,2,3]}')]);
    expect(byScan(withBom, 2)).toEqual(['ok', shape({ a: [1, 2, 3] })]);
    expectSameAsJsonParse(withBom);
    expectSameAsJsonParse(new Uint8Array([...enc.encode('[1,'), ...bom, ...enc.encode('2]')]));
    expectSameAsJsonParse(new Uint8Array([...enc.encode('["'), ...bom, ...enc.encode('x",2]')])); // inside a string it is a character
  });

  it('reads malformed UTF-8 inside strings as U+FFFD, as decoding the whole text does', () => {
    const bad = [[0xff], [0xe4, 0xb8], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe4, 0xb8, 0xad, 0xe4]];
    for (const b of bad) {
      const bytes = new Uint8Array([...enc.encode('{"a":["x'), ...b, ...enc.encode('",{"k'), ...b, ...enc.encode('":1}],"b":"'), ...b, 0x22, 0x7d]);
      expect(byJsonParse(bytes)[0]).toBe('ok');
      expectSameAsJsonParse(bytes);
    }
    expectSameAsJsonParse(new Uint8Array([...enc.encode('[1,'), 0xff, ...enc.encode('2]')])); // outside a string: not JSON
  });

  it('matches JSON.parse on random documents, compact, pretty and with random blanks', () => {
    const r = mulberry32(13);
    for (let k = 0; k < 150; k++) {
      const v = randomValue(r, 0);
      const blanks = (s: string) => s.replace(/([,:[\]{}])/g, (m) => (r() < 0.3 ? [' ', '\n', '\t', '\r\n  '][Math.floor(r() * 4)]! + m + ' ' : m));
      for (const text of [JSON.stringify(v), JSON.stringify(v, null, 1), JSON.stringify(v, null, '\t'), blanksOutsideStrings(JSON.stringify(v), blanks)]) {
        const bytes = enc.encode(text);
        expect(byScan(bytes, 1 + Math.floor(r() * 64))).toEqual(['ok', shape(JSON.parse(text))]);
      }
    }
  });

  it('fails where JSON.parse fails at every truncation, deletion and replaced byte of a small evidence-like file', () => {
    const doc = {
      format: 'sj-evidence/2',
      draw: { id: '2023Q2-county-01', regions: ['131102', '131103'], jointShare: 3000, withExperts: false, filter: null },
      snapshot: { objects: [{ id: 'A1', name: '衡水"测试"\\1号', tier: null }, { id: 'B2', name: '😀\n', tier: 'A' }], avoidance: [['P1', 'A1']] },
      tasks: [{ rank: 1, inspectors: ['P1', 'P2'], joint: true }, { rank: -2, inspectors: [], joint: false }],
    };
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 1) + '\n']) {
      const bytes = enc.encode(text);
      const chunks = [1, 32, SCAN_CHUNK];
      for (let n = 0; n < bytes.length; n++) {
        expectSameAsJsonParse(bytes.subarray(0, n), chunks); // truncated
        expectSameAsJsonParse(new Uint8Array([...bytes.subarray(0, n), ...bytes.subarray(n + 1)]), chunks); // one byte deleted
        for (const c of '{}[],:"\\ 0x') {
          const edited = bytes.slice();
          edited[n] = c.charCodeAt(0);
          expectSameAsJsonParse(edited, chunks);
        }
      }
    }
  });

  it('says where it stopped, for a file too large for JSON.parse to say it', () => {
    expect(() => scanJson(enc.encode('{"a":[1,2'), 2)).toThrow(new JsonScanError('Unexpected end of JSON input', 9));
    expect(() => scanJson(enc.encode('{"a":[1,2 ;]}'), 2)).toThrow('Unexpected token ";" at byte 10');
    expect(() => scanJson(enc.encode('{"a":1} x'))).toThrow('Unexpected token "x" at byte 8');
  });

  it('walks large containers and gathers small elements into runs', () => {
    const text = JSON.stringify({ big: Array.from({ length: 50 }, (_, i) => ({ i })), small: [1] });
    const top = scanJson(enc.encode(text), 64);
    expect(top.kind).toBe('object');
    const big = top.kind === 'object' ? top.members[0]![1] : null;
    expect(big?.kind).toBe('array');
    const parts = big?.kind === 'array' ? big.parts : [];
    expect(parts.every((p) => p.kind === 'items')).toBe(true);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.reduce((n, p) => n + (p.kind === 'items' ? p.count : 0), 0)).toBe(50);
    expect(scanJson(enc.encode(text)).kind).toBe('text'); // the whole of it is one small value at the usual size
  });
});

describe('canonicalOfScan writes canonical(JSON.parse(text)) without the parsed document', () => {
  it('for samples and random integer-only documents, at every chunk size', () => {
    const r = mulberry32(7);
    const docs = [
      ...SAMPLES.filter((s) => !/[.eE]\d|\d{16}/.test(s)).map((s) => JSON.parse(s) as unknown),
      ...Array.from({ length: 80 }, () => randomValue(r, 0, { integers: true })),
    ];
    for (const v of docs) {
      for (const text of [JSON.stringify(v), JSON.stringify(v, null, 2)]) {
        for (const chunk of [1, 3, 16, SCAN_CHUNK]) {
          const bytes = enc.encode(text);
          let out = '';
          canonicalOfScan(bytes, scanJson(bytes, chunk), (s) => (out += s));
          expect(out, text.slice(0, 200)).toBe(canonical(JSON.parse(text)));
        }
      }
    }
  });
});

describe('payloadHashesOfBytes: the payload and snapshot hashes from the bytes', () => {
  const vectors = ['spec-vectors-v2/county-V2-1.json', 'spec-vectors-v2/city-V2-2.json', 'spec-vectors/county-T-1.json'].map(
    (f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Record<string, unknown>,
  );
  const ledger = { seq: 7, hash: 'a'.repeat(64), prevHash: 'b'.repeat(64) };

  it('are payloadHashes of the parsed document, however the file is laid out', () => {
    for (const v of vectors) {
      const { format, ...rest } = v;
      const layouts: string[] = [
        JSON.stringify({ ...v, ledger }),
        JSON.stringify({ ledger, ...rest, format }, null, 1), // ledger first, keys out of order
        JSON.stringify({ ...v, ledger }, null, '\t').replace(/\n/g, '\r\n'),
        JSON.stringify(v), // no ledger member
        '{"snapshot":{"bogus":true},' + JSON.stringify({ ...v, ledger }).slice(1), // a repeated key: the last one counts
        '{"__proto__":{"x":1},' + JSON.stringify({ ...v, ledger }).slice(1),
        JSON.stringify({ ...v, ledger: null }),
      ];
      for (const text of layouts) {
        const want = payloadHashes(JSON.parse(text) as Evidence);
        for (const chunk of [16, 200, SCAN_CHUNK]) {
          const got = payloadHashesOfBytes(enc.encode(text), chunk);
          expect(got.member).toBe(want.member);
          if (want.whole) expect(got.whole).toBe(want.whole); // without a ledger nothing reads it
        }
      }
    }
  });

  it('take the snapshot hash the vector records', () => {
    for (const v of vectors) expect(payloadHashesOfBytes(enc.encode(JSON.stringify(v, null, 1))).member).toBe(v.snapshotHash);
  });

  it('throw on a file that is not JSON', () => {
    expect(() => payloadHashesOfBytes(enc.encode('{"snapshot":'))).toThrow(SyntaxError);
  });
});

// ---- random documents ---------------------------------------------------------------------------

const STRINGS = ['', 'a', '衡水', '😀', '"', '\\', '\n\t', '\u0000', '\u001f', '\u2028', '\ud800', 'x\udc00', '}]{[,:', '131102', '2023', '__proto__', 'é'];

function randomString(r: () => number): string {
  let s = '';
  for (let n = Math.floor(r() * 4); n > 0; n--) s += STRINGS[Math.floor(r() * STRINGS.length)];
  return s;
}

function randomValue(r: () => number, depth: number, opts: { integers?: boolean } = {}): unknown {
  const u = r();
  if (depth > 4 || u < 0.35) {
    const k = Math.floor(r() * 6);
    if (k === 0) return null;
    if (k === 1) return r() < 0.5;
    if (k === 2) return Math.floor((r() - 0.5) * 2 ** (r() * 50));
    if (k === 3 && !opts.integers) return (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    return randomString(r);
  }
  const n = Math.floor(r() * (r() < 0.2 ? 40 : 5));
  if (u < 0.65) return Array.from({ length: n }, () => randomValue(r, depth + 1, opts));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const k = randomString(r);
    if (k === '__proto__') Object.defineProperty(o, k, { value: randomValue(r, depth + 1, opts), enumerable: true, writable: true, configurable: true });
    else o[k] = randomValue(r, depth + 1, opts);
  }
  return o;
}

/** text with `edit` applied to the parts outside its strings */
function blanksOutsideStrings(text: string, edit: (s: string) => string): string {
  return text.split(/("(?:[^"\\]|\\.)*")/).map((p, i) => (i % 2 ? p : edit(p))).join('');
}
