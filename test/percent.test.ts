/** parsePercent: shares as people write them → basis points (core/percent.ts). */
import { describe, expect, it } from 'vitest';
import { parsePercent } from '../src/core/percent.js';

const bp = (s: string) => {
  const r = parsePercent(s);
  return r.ok ? r.bp : r.reason;
};

describe('parsePercent', () => {
  it('reads percent with or without the sign, up to two decimals, exactly', () => {
    expect(bp('30%')).toBe(3000);
    expect(bp('30')).toBe(3000);
    expect(bp(' 30 % ')).toBe(3000);
    expect(bp('３０％')).toBe(3000); // a Chinese input method's full-width forms
    expect(bp('12.5%')).toBe(1250);
    expect(bp('12.35%')).toBe(1235); // not 1234.9999… as 12.35 * 100 would be
    expect(bp('0%')).toBe(0);
    expect(bp('0')).toBe(0);
    expect(bp('100%')).toBe(10000);
    expect(bp('1')).toBe(100);
  });

  it('reads basis points only with the bp suffix', () => {
    expect(bp('3000bp')).toBe(3000);
    expect(bp('3000 BP')).toBe(3000);
    expect(bp('10000bp')).toBe(10000);
    expect(bp('10001bp')).toBe('range');
  });

  it('refuses more than 100%, a bare fraction, and what is not a share', () => {
    expect(bp('3000')).toBe('range'); // 3000 %, never silently 30 %
    expect(bp('100.01%')).toBe('range');
    expect(parsePercent('0.3')).toEqual({ ok: false, reason: 'ambiguous', fractionBp: 3000 });
    expect(bp('0.3%')).toBe(30);
    for (const s of ['', '%', 'abc', '-5%', '12.345%', '30%%', '1e2', '30bp%', '0x10']) expect(bp(s), s).toBe('format');
  });
});
