/** IdRows (io/id-rows.ts): the importer's compact id → first-row table, against a Map. */
import { describe, expect, it } from 'vitest';
import { IdRows } from '../src/io/id-rows.js';
import { mulberry32 } from '../src/core/prng.js';

describe('IdRows', () => {
  it('answers as a Map would, through growth, repeats, non-ASCII and long ids', () => {
    const rand = mulberry32(3);
    const parts = ['91131', '衡水', '😀', 'A', '0', 'x'.repeat(300)];
    const ids = Array.from({ length: 150_000 }, (_, i) => {
      // about one id in four repeats an earlier one
      if (i > 0 && rand() < 0.25) return `id-${Math.floor(rand() * i)}`;
      return rand() < 0.01 ? parts[i % parts.length]! + i : `id-${i}`;
    });
    const table = new IdRows();
    const map = new Map<string, number>();
    let repeats = 0;
    ids.forEach((id, k) => {
      const row = k + 2;
      const want = map.get(id) ?? 0;
      if (!want) map.set(id, row);
      else repeats++;
      expect(table.claim(id, row)).toBe(want);
    });
    expect(repeats).toBeGreaterThan(25_000);
    expect(map.size).toBeGreaterThan(100_000);
    for (const [id, row] of map) expect(table.claim(id, 1)).toBe(row);
    expect(table.claim('', 5)).toBe(0);
    expect(table.claim('', 6)).toBe(5);
  });
});
