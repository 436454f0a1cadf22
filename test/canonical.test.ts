/**
 * canonical JSON of sj-draw §1, on every path: the fast one (key-sorted copies through
 * JSON.stringify), the general one (piece by piece), and the streaming one (long arrays in
 * batches, tiny chunks so every boundary is crossed). A differential test compares all three
 * with Python's json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonical, canonicalChunks, canonicalGeneral, canonicalParts, compareCodePoints } from '../src/core/canonical.js';
import { hashCanonical, hashCanonicalWithMember, H } from '../src/core/hash.js';
import { mulberry32 } from '../src/core/prng.js';

function chunked(x: unknown, size = 7): string {
  const parts: string[] = [];
  canonicalChunks(x, (s) => parts.push(s), size);
  return parts.join('');
}

const PATHS: [string, (x: unknown) => string][] = [
  // inside a short array the whole value is prepared and written by JSON.stringify at once
  ['fast', (x) => canonical([x]).slice(1, -1)],
  ['general', canonicalGeneral],
  ['streaming', (x) => chunked(x)],
  // the tagged pieces the evidence store keeps, long arrays inside a member so they become items
  ['parts', (x) => {
    let s = '';
    if (x === undefined) canonicalParts(x, (c) => (s += c), 5); // a member would be left out
    else canonicalParts({ k: x }, (c) => (s += c), 5);
    return x === undefined ? s : s.slice('{"k":'.length, -1);
  }],
  ['canonical', canonical],
];

/** A long array, so the streaming path writes it in batches. */
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** The escape table of §1, written out by hand for every code point below U+0020. */
function specEscape(c: number): string {
  const short: Record<number, string> = { 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t' };
  return short[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
}

describe.each(PATHS)('canonical JSON (%s path)', (_name, ser) => {
  it('sorts keys by code point, integer-like keys among the others', () => {
    const x = { b: 1, '10': 2, '9': 3, '2023': 4, a: 5, '131102': 6, '-1': 7, '01': 8, '1.5': 9, '4294967295': 10, '4294967294': 11, '': 12 };
    expect(ser(x)).toBe('{"":12,"-1":7,"01":8,"1.5":9,"10":2,"131102":6,"2023":4,"4294967294":11,"4294967295":10,"9":3,"a":5,"b":1}');
  });

  it('writes an integer-keyed object nested in already-sorted objects and in long arrays', () => {
    const rules = { rates: { city: { special: 1000 } }, years: { '2024': 'b', '2023': 'a' } };
    expect(ser(rules)).toBe('{"rates":{"city":{"special":1000}},"years":{"2023":"a","2024":"b"}}');
    const list = many(5000, (i) => (i === 4321 ? { '2': 'x', '10': 'y', z: i } : { z: i, a: i }));
    const want = '[' + list.map((o, i) => (i === 4321 ? '{"10":"y","2":"x","z":4321}' : `{"a":${i},"z":${i}}`)).join(',') + ']';
    expect(ser(list)).toBe(want);
    expect(ser({ top: list })).toBe(`{"top":${want}}`);
  });

  it('escapes exactly ", \\ and the C0 controls, as the table of §1 says', () => {
    for (let c = 0; c < 0x20; c++) {
      const ch = String.fromCharCode(c);
      expect(ser(`a${ch}b`)).toBe(`"a${specEscape(c)}b"`);
      expect(ser({ [ch]: ch })).toBe(`{"${specEscape(c)}":"${specEscape(c)}"}`);
    }
    expect(ser('q"\\/')).toBe('"q\\"\\\\/"');
    expect(ser('\u007f\u0080\u00ff')).toBe('"\u007f\u0080\u00ff"'); // DEL and Latin-1 as themselves
  });

  it('writes U+2028, U+2029 and all non-ASCII text as itself', () => {
    expect(ser('\u2028\u2029')).toBe('"\u2028\u2029"');
    expect(ser({ name: '衡水市桃城区 \u{20BB7}家 😀' })).toBe('{"name":"衡水市桃城区 \u{20BB7}家 😀"}');
  });

  it('orders non-BMP keys after every BMP key (code points, not UTF-16 units)', () => {
    // UTF-16 order would put the surrogates of U+1F600 and U+10000 before U+FF01 and U+E000
    const x = { '\u{1F600}': 1, '\uFF01': 2, z: 3, '\u{10000}': 4, '\uE000': 5, '\uFFFF': 6 };
    expect(ser(x)).toBe('{"z":3,"\uE000":5,"！":2,"\uFFFF":6,"\u{10000}":4,"😀":1}');
    const keys = Object.keys(x).sort(compareCodePoints);
    expect(Buffer.concat(keys.map((k) => Buffer.from(k)))).toEqual(Buffer.concat(keys.map((k) => Buffer.from(k)).sort(Buffer.compare)));
  });

  it('writes a lone surrogate (which §1 forbids in the data) escaped, as JSON.stringify does', () => {
    expect(ser('a\ud800b')).toBe('"a\\ud800b"');
    expect(ser({ '\udc00': '\udbff' })).toBe('{"\\udc00":"\\udbff"}');
  });

  it('writes integers, booleans and null; leaves undefined members out and writes undefined elements as null', () => {
    expect(ser([0, -0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, true, false, null])).toBe(
      '[0,0,1,-1,9007199254740991,-9007199254740991,true,false,null]',
    );
    expect(ser({ b: undefined, a: 1, c: [undefined] })).toBe('{"a":1,"c":[null]}');
    expect(ser(undefined)).toBe('null');
    expect(ser({})).toBe('{}');
    expect(ser([])).toBe('[]');
    expect(ser('')).toBe('""');
  });

  it('refuses what canonical JSON cannot hold, also deep inside a long array', () => {
    for (const bad of [1.5, NaN, Infinity, -Infinity, 2 ** 53, 10n, () => 1, Symbol('s')]) {
      expect(() => ser(bad)).toThrow(TypeError);
      expect(() => ser({ a: [{ b: bad }] })).toThrow(TypeError);
      expect(() => ser(many(3000, (i) => ({ i, v: i === 2999 ? bad : 0 })))).toThrow(TypeError);
    }
    expect(() => ser({ a: 1.5 })).toThrow(/not an integer: 1.5/);
  });

  it('writes objects from their own enumerable keys only (no toJSON, no prototype)', () => {
    expect(ser({ when: new Date(0) })).toBe('{"when":{}}');
    class P {
      y = 2;
      x = 1;
      get z() {
        return 3;
      }
    }
    expect(ser([new P()])).toBe('[{"x":1,"y":2}]');
    expect(ser(Object.assign(Object.create(null), { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    expect(ser(JSON.parse('{"__proto__":{"b":1},"a":0}'))).toBe('{"__proto__":{"b":1},"a":0}');
    expect(ser({ toJSON: 'not called', a: 1 })).toBe('{"a":1,"toJSON":"not called"}');
  });

  it('gives one text for one value whatever the insertion order, over many shapes', () => {
    const r = mulberry32(7);
    const keys = many(40, (i) => `k${String.fromCharCode(97 + (i % 26))}${i}`);
    for (let n = 0; n < 200; n++) {
      const picked = keys.filter(() => r() < 0.3);
      const a: Record<string, number> = {};
      const b: Record<string, number> = {};
      for (const k of picked) a[k] = k.length;
      for (const k of [...picked].reverse()) b[k] = k.length;
      const want = '{' + [...picked].sort().map((k) => `"${k}":${k.length}`).join(',') + '}';
      expect(ser(a)).toBe(want);
      expect(ser(b)).toBe(want);
    }
  });
});

describe('canonical JSON streaming', () => {
  it('hands on pieces that join to canonical(x), none splitting a surrogate pair', () => {
    const x = { objects: many(7000, (i) => ({ id: `O${i}`, name: `😀${i}\u{20BB7}`, n: i })) };
    const parts: string[] = [];
    canonicalChunks(x, (s) => parts.push(s), 1000);
    expect(parts.length).toBeGreaterThanOrEqual(4); // 7000 elements: batches of 2048
    for (const p of parts) expect(p.length).toBeGreaterThan(0);
    for (const p of parts) expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p); // no lone half of a pair
    expect(parts.join('')).toBe(canonicalGeneral(x));
  });

  it('hashCanonicalWithMember gives H(canonical(o)) and H(canonical(o[key])) in one pass', () => {
    const snapshot = { objects: many(5000, (i) => ({ id: `O${i}`, name: `衡😀${i}`, '10': i, '9': null })), rules: { '2023': 1, a: '\u0001' } };
    const o = { tasks: [1, 2], snapshot, gone: undefined, '131102': 'x', format: 'f\n', 'é': 1, '\u{20BB7}': 2 };
    const h = hashCanonicalWithMember(o, 'snapshot');
    expect(h.whole).toBe(H(canonical(o)));
    expect(h.whole).toBe(H(canonicalGeneral(o)));
    expect(h.member).toBe(H(canonical(snapshot)));
  });

  it('hashCanonical(x) is H(canonical(x)), for small and long values', () => {
    for (const x of [{ b: 1, a: '衡' }, many(5000, (i) => ({ '7': i, s: '😀' }))]) {
      expect(hashCanonical(x)).toBe(H(canonical(x)));
      expect(hashCanonical(x)).toBe(createHash('sha256').update(Buffer.from(canonicalGeneral(x), 'utf8')).digest('hex'));
    }
  });
});

// ---- differential test against Python -------------------------------------------------------

const python = spawnSync('python3', ['-c', 'print(1)'], { encoding: 'utf8' }).status === 0;

/** Random JSON values: keys and strings drawn from what makes canonical JSON hard. */
function randomValue(r: () => number, depth: number): unknown {
  const u = r();
  if (depth <= 0 || u < 0.35) return randomLeaf(r);
  if (u < 0.65) {
    // now and then a long array of shallow values (the streaming path's batches), else a short one
    const long = depth >= 4 && r() < 0.03;
    return many(long ? 2000 + Math.floor(r() * 3000) : Math.floor(r() * 6), () => randomValue(r, long ? 1 : depth - 1));
  }
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 7);
  for (let i = 0; i < n; i++) o[randomText(r, 4)] = randomValue(r, depth - 1);
  return o;
}

function randomLeaf(r: () => number): unknown {
  const u = r();
  if (u < 0.1) return null;
  if (u < 0.2) return r() < 0.5;
  if (u < 0.45) {
    const big = [0, -0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, 2 ** 32 - 1];
    return r() < 0.3 ? big[Math.floor(r() * big.length)] : Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 50)));
  }
  return randomText(r, 12);
}

const ALPHABET = [
  ...'abcxyzABZ_-./ 09',
  ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)),
  '"', '\\', '\u007f', '\u0080', '\u00e9', '\u2028', '\u2029', '衡', '水', '\uE000', '\uFF01', '\uFFFF',
  '\u{10000}', '\u{1F600}', '\u{20BB7}', '\u{10FFFF}',
];
const INTEGER_LIKE = ['0', '1', '2', '9', '10', '2023', '131102', '01', '-1', '4294967294', '4294967295', '9007199254740993'];

function randomText(r: () => number, max: number): string {
  if (r() < 0.2) return INTEGER_LIKE[Math.floor(r() * INTEGER_LIKE.length)];
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

describe.skipIf(!python)('canonical JSON against Python json.dumps', () => {
  it('gives the same bytes on 3000 random values, on every path', () => {
    const r = mulberry32(20230403);
    const values = many(3000, () => randomValue(r, 4));
    const script = [
      'import json, sys',
      'vals = json.loads(sys.stdin.buffer.read().decode("utf-8"))',
      'out = sys.stdout.buffer',
      'for v in vals:',
      '    out.write(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\\n")',
    ].join('\n');
    const p = spawnSync('python3', ['-c', script], { input: Buffer.from(JSON.stringify(values), 'utf8'), maxBuffer: 1 << 28 });
    expect(p.stderr.toString()).toBe('');
    const lines = p.stdout.toString('utf8').split('\n'); // canonical text never holds a raw \n
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(values.length);
    let integerKeyed = 0;
    for (let i = 0; i < values.length; i++) {
      if (/"\d+":/.test(lines[i])) integerKeyed++;
      for (const [name, ser] of PATHS) {
        const got = ser(values[i]);
        if (got !== lines[i]) expect({ path: name, value: i, got }).toEqual({ path: name, value: i, got: lines[i] });
      }
    }
    expect(integerKeyed).toBeGreaterThan(100); // the generator did exercise the hard case
  });
});
