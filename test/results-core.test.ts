import { describe, expect, it } from 'vitest';
import {
  disposition, formatFen, isOpen, normalizeMethod, normalizeOutcome, parseFen,
} from '../src/core/results.js';

describe('parseFen: 元 as a decimal string → integer fen', () => {
  const ok: [string | number, number][] = [
    ['', 0], ['0', 0], ['5', 500], ['12345', 1234500], ['1,234.5', 123450], ['1,234.50', 123450], ['1,234,567.89', 123456789],
    ['0.01', 1], ['0.1', 10], ['12.30', 1230], [' 300 ', 30000], ['300元', 30000], ['￥2,000', 200000], ['1，234.5', 123450],
    [12345, 1234500], [1234.5, 123450], [0.07, 7], [0.29, 29], [1100.0000000000002, 110000], [1.1 * 3, 330],
    ['90071992547409.91', 9007199254740991],
  ];
  for (const [input, fen] of ok) it(`${JSON.stringify(input)} → ${fen}`, () => expect(parseFen(input)).toEqual({ fen }));

  const bad: [string | number, string][] = [
    ['-5', 'negative'], ['－5', 'negative'], [-5, 'negative'], ['1e3', 'malformed'], ['12.345', 'decimals'], [12.345, 'decimals'],
    ['1,23.4', 'malformed'], ['12,34', 'malformed'], ['abc', 'malformed'], ['12.', 'malformed'], ['.5', 'malformed'], ['1.2.3', 'malformed'],
    ['0x10', 'malformed'], ['Infinity', 'malformed'], [Number.NaN, 'malformed'], ['90071992547409.92', 'too-large'], ['1 000', 'malformed'],
  ];
  for (const [input, kind] of bad) {
    it(`${JSON.stringify(input)} is ${kind}`, () => {
      const r = parseFen(input);
      // '1 000': spaces are dropped, so it reads 1000 — people do type it; accepted
      if (input === '1 000') return expect(r).toEqual({ fen: 100000 });
      expect('bad' in r && r.bad).toBe(kind);
    });
  }
  it('never goes through floating point for text: 0.29 + 0.01 style amounts are exact', () => {
    expect(parseFen('1234567890123.45')).toEqual({ fen: 123456789012345 });
    expect(parseFen('0.29')).toEqual({ fen: 29 }); // 0.29 * 100 = 28.999999999999996 in floating point
  });
});

describe('formatFen', () => {
  it('formats with thousands separators and two decimals', () => {
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(1)).toBe('0.01');
    expect(formatFen(123450)).toBe('1,234.50');
    expect(formatFen(1234500)).toBe('12,345.00');
    expect(formatFen(123456789)).toBe('1,234,567.89');
    expect(formatFen(9007199254740991)).toBe('90,071,992,547,409.91');
  });
  it('round-trips with parseFen', () => {
    for (const fen of [0, 1, 99, 100, 123450, 100000000, 9007199254740991]) expect(parseFen(formatFen(fen))).toEqual({ fen });
  });
});

describe('outcomes', () => {
  it('accepts the exact strings', () => {
    for (const o of ['未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查']) expect(normalizeOutcome(o)).toBe(o);
  });
  it('normalises 无法检查 with a reason and common variants', () => {
    expect(normalizeOutcome('无法检查(停产、关闭)')).toBe('无法检查');
    expect(normalizeOutcome('无法检查（停产）')).toBe('无法检查');
    expect(normalizeOutcome(' 无法检查 （关闭） ')).toBe('无法检查');
    expect(normalizeOutcome('移送公安机关')).toBe('移送公安');
    expect(normalizeOutcome('责令改正')).toBe('责令整改');
  });
  it('rejects the unknown', () => {
    expect(normalizeOutcome('')).toBeNull();
    expect(normalizeOutcome('合格')).toBeNull();
    expect(normalizeOutcome('无法检查了吧')).toBeNull();
  });
  it('open until rectified, only with a problem', () => {
    expect(isOpen({ outcome: '责令整改', rectified: false })).toBe(true);
    expect(isOpen({ outcome: '责令整改', rectified: true })).toBe(false);
    expect(isOpen({ outcome: '移送公安', rectified: false })).toBe(true);
    expect(isOpen({ outcome: '未发现问题', rectified: false })).toBe(false);
    expect(isOpen({ outcome: '无法检查', rectified: false })).toBe(false);
  });
  it('methods', () => {
    expect(normalizeMethod('现场检查')).toBe('onsite');
    expect(normalizeMethod('现场')).toBe('onsite');
    expect(normalizeMethod('非现场检查')).toBe('offsite');
    expect(normalizeMethod('科技检查')).toBe('offsite');
    expect(normalizeMethod('')).toBe('');
    expect(normalizeMethod('飞行')).toBeNull();
  });
});

describe('处理情况', () => {
  it('describes what was done', () => {
    expect(disposition({ outcome: '立案处罚', fineFen: 1234500, rectified: false })).toBe('立案处罚，罚款 12,345.00 元');
    expect(disposition({ outcome: '责令整改', fineFen: 0, rectified: true })).toBe('责令整改，已整改完成');
    expect(disposition({ outcome: '移送公安', fineFen: 0, rectified: false })).toBe('移送公安机关');
    expect(disposition({ outcome: '未发现问题', fineFen: 0, rectified: false })).toContain('未发现问题');
  });
});
