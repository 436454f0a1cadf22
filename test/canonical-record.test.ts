/**
 * canonicalRecord (core/canonical.ts), the fast form of canonical() the importer hashes roster
 * rows with (io/import-rows.ts): the same text as canonical() and its general path, on every
 * roster's shape and on values chosen to hit the rules of sj-draw §1 (escapes, non-BMP
 * characters, lone surrogates, integer-like keys, nulls, lists, nested extra objects).
 */
import { describe, expect, it } from 'vitest';
import { canonical, canonicalGeneral, canonicalRecord } from '../src/core/canonical.js';
import { mulberry32 } from '../src/core/prng.js';
import { COLUMNS } from '../src/io/roster-columns.js';
import { rowHasher, storedValues } from '../src/io/import-rows.js';
import { H } from '../src/core/hash.js';

const STRS = ['', '衡水', 'a"b', 'back\\slash', 'tab\there', 'nl\n', '\u0001', '\u001f', '\u007f', '😀', '𠀀列', '\ud800', '\udc00x', 'é', '-1', '2023', '=SUM(A1)', ' lead', 'trail '];
const KEYS = ['备注', 'zeta', 'Alpha', '2023', '10', '9', '0', '01', '😀列', '𠀀', 'a b', 'a"b', 'é', 'Z', '__proto__', 'constructor'];
const BOOLS = new Set(['offsite', 'certified']);
const LISTS = new Set(['tags', 'specialties', 'industries', 'classes']);

function recordOf(kind: keyof typeof COLUMNS, rand: () => number): Record<string, unknown> {
  const pick = () => STRS[Math.floor(rand() * STRS.length)]!;
  const extra: Record<string, string> = {};
  // defineProperty: an own "__proto__" member, as JSON.parse would make one
  for (const key of KEYS) if (rand() < 0.3) Object.defineProperty(extra, key, { value: pick(), enumerable: true, writable: true, configurable: true });
  const data: Record<string, unknown> = { extra };
  for (const c of COLUMNS[kind]) {
    const r = rand();
    data[c] = BOOLS.has(c) ? r < 0.5 : LISTS.has(c) ? Array.from({ length: Math.floor(r * 4) }, pick) : r < 0.15 ? null : pick();
  }
  return data;
}

describe('canonicalRecord', () => {
  it('writes every roster shape as canonical() and its general path do', () => {
    const rand = mulberry32(13);
    let n = 0;
    let intKeys = 0;
    for (const kind of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      const fields = [...COLUMNS[kind], 'extra'];
      const write = canonicalRecord(fields);
      for (let k = 0; k < 1500; k++) {
        const data = recordOf(kind, rand);
        const text = write(fields.map((f) => data[f]));
        expect(text).toBe(canonical(data));
        expect(text).toBe(canonicalGeneral(data));
        n++;
        if (Object.keys(data.extra as object).some((x) => /^\d/.test(x))) intKeys++;
      }
    }
    expect(n).toBe(7500);
    expect(intKeys).toBeGreaterThan(1000);
  });

  it('sorts keys by code point (integer-like and non-BMP ones too), leaves undefined members out, and nests', () => {
    const keys = ['b', '10', '2', 'a', '😀', '\uffff', 'é', '__proto__'];
    const write = canonicalRecord(keys);
    const rand = mulberry32(5);
    for (let k = 0; k < 500; k++) {
      const values = keys.map(() => {
        const r = rand();
        if (r < 0.1) return undefined;
        if (r < 0.2) return null;
        if (r < 0.3) return Math.floor(rand() * 2000) - 1000;
        if (r < 0.4) return rand() < 0.5;
        if (r < 0.5) return [STRS[k % STRS.length], 7, { '2': 'x', '1': [null] }];
        if (r < 0.6) return { '10': STRS[k % STRS.length], '9': {}, z: [] };
        if (r < 0.7) return {};
        return STRS[Math.floor(rand() * STRS.length)];
      });
      const obj: Record<string, unknown> = {};
      keys.forEach((key, i) => Object.defineProperty(obj, key, { value: values[i], enumerable: true, writable: true, configurable: true }));
      expect(write(values)).toBe(canonicalGeneral(obj));
    }
    expect(write(keys.map(() => undefined))).toBe('{}');
    expect(canonicalRecord(['b', 'a'])(['x', '😀\n'])).toBe('{"a":"😀\\n","b":"x"}');
  });

  it('writes the values of its `json` keys as the canonical JSON text they are given as', () => {
    const rand = mulberry32(21);
    const keys = ['tags', '2', 'name', 'extra'];
    const write = canonicalRecord(keys, { json: ['tags', 'extra'] });
    for (let k = 0; k < 300; k++) {
      const obj = recordOf('objects', rand);
      const values = [obj.tags, obj.name, obj.region, obj.extra];
      const text = write([canonical(values[0]), values[1], values[2], canonical(values[3])]);
      expect(text).toBe(canonical({ tags: values[0], '2': values[1], name: values[2], extra: values[3] }));
    }
  });

  it('refuses what canonical JSON cannot hold, as canonical() does', () => {
    const write = canonicalRecord(['a']);
    expect(() => write([1.5])).toThrow(TypeError);
    expect(() => write([{ x: Number.NaN }])).toThrow(TypeError);
    expect(() => write([[1n]])).toThrow(TypeError);
  });
});

describe("the importer's row hash", () => {
  it('is H(canonical(data)) from the values as stored, a missing field read back as null (false when boolean), a missing extra as {}', () => {
    const rand = mulberry32(99);
    for (const kind of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      const hash = rowHasher(kind);
      for (let k = 0; k < 300; k++) {
        const data = recordOf(kind, rand);
        expect(hash(storedValues(kind, data))).toBe(H(canonical(data)));
      }
      const bare: Record<string, unknown> = {};
      const full: Record<string, unknown> = { extra: {} };
      // as the row would read back (io/roster-read.ts: a boolean column is true only when 1)
      for (const c of COLUMNS[kind]) full[c] = BOOLS.has(c) ? false : null;
      expect(hash(storedValues(kind, bare))).toBe(H(canonical(full)));
    }
  });
});
