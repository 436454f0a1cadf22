import { describe, expect, it } from 'vitest';
import * as N from '../src/core/normalize.js';
import { headerMatch, mapHeaders, normHeader, convertRow, type ConvertCtx } from '../src/core/roster-fields.js';
import { safeCell, toCsv } from '../src/io/csv.js';
import { detectEncoding, cellValue } from '../src/io/tabular.js';

const bad = (x: unknown) => (N.isBad(x) ? x.bad : undefined);

describe('yes/no', () => {
  it.each([
    ['是', true], ['否', false], ['Y', true], ['n', false], ['√', true], ['✓', true], ['×', false],
    ['1', true], ['0', false], ['TRUE', true], ['false', false], [' 是 ', true],
  ])('%s → %s', (s, v) => expect(N.yesNo(s, false)).toBe(v));
  it('booleans and numbers', () => {
    expect(N.yesNo(true, false)).toBe(true);
    expect(N.yesNo(false, true)).toBe(false);
    expect(N.yesNo(1, false)).toBe(true);
    expect(N.yesNo(0, true)).toBe(false);
  });
  it('empty gives the default', () => {
    expect(N.yesNo('', true)).toBe(true);
    expect(N.yesNo(null, false)).toBe(false);
  });
  it('anything else is a bad-boolean', () => {
    expect(bad(N.yesNo('可能', false))).toBe('bad-boolean');
    expect(bad(N.yesNo(2, false))).toBe('bad-boolean');
  });
});

describe('dates', () => {
  it.each([
    ['2023-04-03', '2023-04-03'], ['2023/4/3', '2023-04-03'], ['2023.4.3', '2023-04-03'],
    ['2023年4月3日', '2023-04-03'], ['20230403', '2023-04-03'], ['2023-04-03 10:30:00', '2023-04-03'],
    ['45019', '2023-04-03'], ['', ''],
  ])('%s → %s', (s, v) => expect(N.date(s)).toBe(v));
  it('Excel serials as numbers, date cells by their UTC parts', () => {
    expect(N.date(45019)).toBe('2023-04-03');
    expect(N.date(45019.75)).toBe('2023-04-03');
    expect(N.date(new Date(Date.UTC(2023, 3, 3)))).toBe('2023-04-03');
    // a UTC-midnight date must not shift a day whatever the local zone is
    expect(N.date(new Date('2028-04-07T00:00:00.000Z'))).toBe('2028-04-07');
  });
  it.each(['2023-13-45', '2023-02-30', '明年', '2023-2', '19000'])('%s is a bad date', (s) => expect(bad(N.date(s))).toBe('bad-date'));
  it('numbers outside the serial range are bad', () => expect(bad(N.date(123))).toBe('bad-date'));
  it('serialDate across the 1900 leap bug', () => {
    expect(N.serialDate(61)).toBe('1900-03-01');
    expect(N.serialDate(44927)).toBe('2023-01-01');
  });
});

describe('lists', () => {
  it('split on every separator, trim, dedupe, keep order', () => {
    expect(N.list('涉气、涉水,涉危废，VOCs;恶臭；涉噪声/涉气 ')).toEqual(['涉气', '涉水', '涉危废', 'VOCs', '恶臭', '涉噪声']);
    expect(N.list(' 、 ,')).toEqual([]);
    expect(N.list(null)).toEqual([]);
  });
});

describe('ids and text', () => {
  it('numeric ids are kept as text, never exponent or .0', () => {
    expect(N.id(13110012345)).toBe('13110012345');
    expect(N.cellText(13110012345)).toBe('13110012345');
    expect(N.cellText(1234567890123456)).toBe('1234567890123456');
    expect(N.id('  91131102507147431A ')).toBe('91131102507147431A');
  });
  it('full-width id characters become ASCII', () => expect(N.id('９１１３ＡＢ')).toBe('9113AB'));
  it('bad ids', () => {
    expect(bad(N.id('91131102 MA0GQWNG8U'))).toBe('bad-id');
    expect(bad(N.id('9113110344衡69598X9'))).toBe('bad-id');
    expect(bad(N.id('-abc'))).toBe('bad-id');
    expect(bad(N.id(''))).toBe('missing-value');
  });
  it('control characters and lone surrogates are rejected; line breaks fold', () => {
    expect(bad(N.text('abc\u0007'))).toBe('control-char');
    expect(bad(N.text('a\ud800b'))).toBe('lone-surrogate');
    expect(N.text('a\ud83d\ude00b')).toBe('a\ud83d\ude00b');
    expect(N.text('河北\n恒达')).toBe('河北 恒达');
  });
});

describe('months', () => {
  it.each([
    ['1-3,11-12', '1-3,11-12'], ['11-12、1-3', '1-3,11-12'], ['1月-3月', '1-3'], ['3', '3'],
    ['11~2', '1-2,11-12'], ['1,2,3,5', '1-3,5'], ['', ''], ['全年', ''], ['1-12', ''],
  ])('%s → %s', (s, v) => expect(N.months(s)).toBe(v));
  it.each(['0-3', '13', 'spring', '1-3-5'])('%s is bad', (s) => expect(bad(N.months(s))).toBe('bad-months'));
});

describe('category and class derivation', () => {
  it('categories', () => {
    expect(N.category('特殊监管对象')).toBe('special');
    expect(N.category('重点')).toBe('key');
    expect(N.category('一般监管对象')).toBe('general');
    expect(N.category('一般（正面清单）')).toBe('positive');
    expect(N.category('')).toBe(null);
    expect(bad(N.category('超重点'))).toBe('unknown-category');
  });
  const base = { category: null, special: false, key: false, general: false, positive: false } as N.ClassInput;
  it('a category given wins; general + positive list = positive', () => {
    expect(N.deriveClass({ ...base, category: 'key', special: true })).toEqual({ cls: 'key', by: 'category' });
    expect(N.deriveClass({ ...base, category: 'general', positive: true })).toEqual({ cls: 'positive', by: 'category' });
    expect(N.deriveClass({ ...base, category: 'special', positive: true })).toEqual({ cls: 'special', by: 'category' });
  });
  it('conditions with the plan precedence', () => {
    expect(N.deriveClass({ ...base, special: true, key: true })).toEqual({ cls: 'special', by: 'precedence' });
    expect(N.deriveClass({ ...base, general: true, key: true })).toEqual({ cls: 'general', by: 'precedence' });
    expect(N.deriveClass({ ...base, positive: true, key: true })).toEqual({ cls: 'positive', by: 'precedence' });
    expect(N.deriveClass({ ...base, key: true })).toEqual({ cls: 'key', by: 'conditions' });
    expect(N.deriveClass({ ...base, special: true })).toEqual({ cls: 'special', by: 'conditions' });
    expect(N.deriveClass(base)).toEqual({ cls: 'general', by: 'conditions' });
  });
  it('status, level, tier, item classes', () => {
    expect(N.objectStatus('在产')).toBe('active');
    expect(N.objectStatus('')).toBe('active');
    expect(N.objectStatus('停业')).toBe('suspended');
    expect(N.objectStatus('注销')).toBe('closed');
    expect(bad(N.objectStatus('搬迁'))).toBe('unknown-status');
    expect(N.personStatus('退休')).toBe('inactive');
    expect(N.itemLevel('市县两级')).toBe('both');
    expect(N.itemLevel('')).toBe('both');
    expect(N.itemLevel('县级')).toBe('county');
    expect(N.tier('b', ['A', 'B'])).toBe('B');
    expect(N.tier('C级', ['A', 'B', 'C'])).toBe('C');
    expect(N.tier('', ['A'])).toBe(null);
    expect(bad(N.tier('AA', ['A']))).toBe('unknown-tier');
    expect(N.itemClasses('特殊、重点、一般、正面清单')).toEqual(['special', 'key', 'general', 'positive']);
  });
});

describe('headers', () => {
  it('normalisation', () => {
    expect(normHeader(' 统一社会信用代码* ')).toBe('统一社会信用代码');
    expect(normHeader('是否\n正面清单')).toBe('是否正面清单');
    expect(normHeader('所属区县（市、区）')).toBe('所属区县(市、区)');
    expect(normHeader('单位名称＊')).toBe('单位名称');
  });
  it('prefix matches only before a bracket', () => {
    expect(headerMatch('所属区县（市、区）', '所属区县')).toBe(1);
    expect(headerMatch('所属区县', '所属区县')).toBe(2);
    expect(headerMatch('区县代码', '区县')).toBe(0);
    expect(headerMatch('执法证号', '执法证')).toBe(0);
  });
  it('inspector columns do not steal each other', () => {
    const hm = mapHeaders('inspectors', ['执法证号', '姓名', '所属单位', '执法证', '执法证有效期至']);
    expect(hm.fields.get('id')).toBe(0);
    expect(hm.fields.get('certified')).toBe(3);
    expect(hm.fields.get('certExpiry')).toBe(4);
    expect(hm.missing).toEqual([]);
  });
  it('--map wins; unknown columns are extra', () => {
    const hm = mapHeaders('objects', ['编码', '单位名称', '区县名称', '备注'], { id: '编码', region: '区县名称' });
    expect(hm.fields.get('id')).toBe(0);
    expect(hm.fields.get('region')).toBe(2);
    expect([...hm.extra.values()]).toEqual(['备注']);
    expect(mapHeaders('objects', ['编码', '单位名称']).missing).toEqual(['id', 'region']);
  });
  it('convertRow reports each bad cell by its header as written', () => {
    const headers = ['统一社会信用代码*', '单位名称', '所属区县（市、区）', '正面清单', '信用等级', '备注'];
    const hm = mapHeaders('objects', headers);
    const ctx: ConvertCtx = { region: (s) => (s === '桃城区' ? { code: '131102', level: 'county' } : s === '市局' ? { code: '131100', level: 'city' } : undefined), tiers: ['A', 'B'] };
    const ok = convertRow('objects', ['X1', '甲', '桃城区', '√', 'a', '说明'], hm, headers, ctx);
    expect(ok.issues).toEqual([]);
    expect(ok.data).toMatchObject({ region: '131102', class: 'positive', classBy: 'conditions', tier: 'A', extra: { 备注: '说明' } });
    const r = convertRow('objects', ['X 1', '', '市局', '可能', 'Q', null], hm, headers, ctx);
    expect(r.issues.map((i) => [i.column, i.tag])).toEqual([
      ['统一社会信用代码*', 'bad-id'],
      ['单位名称', 'missing-value'],
      ['所属区县（市、区）', 'city-region'],
      ['正面清单', 'bad-boolean'],
      ['信用等级', 'unknown-tier'],
    ]);
  });
});

describe('cells and csv', () => {
  it('exceljs values: rich text, formula, hyperlink, error', () => {
    expect(cellValue({ richText: [{ text: '河北' }, { text: '贵泰' }] })).toBe('河北贵泰');
    expect(cellValue({ formula: 'A1&B1', result: '化工' })).toBe('化工');
    expect(cellValue({ sharedFormula: 'A1', result: 7 })).toBe(7);
    expect(cellValue({ text: { richText: [{ text: 'a' }] }, hyperlink: 'http://x' })).toBe('a');
    expect(cellValue({ text: '地址', hyperlink: 'http://x' })).toBe('地址');
  });
  it('encoding detection', () => {
    expect(detectEncoding(Buffer.from('\ufeff代码', 'utf8'), true)).toBe('utf8');
    expect(detectEncoding(Buffer.from('代码,名称', 'utf8'), true)).toBe('utf8');
    expect(detectEncoding(Buffer.from([0xb4, 0xfa, 0xc2, 0xeb]), true)).toBe('gb18030'); // 代码 in GBK
    // a UTF-8 sequence cut at the end of a sample is not a reason to fall back
    expect(detectEncoding(Buffer.from('代码', 'utf8').subarray(0, 5), false)).toBe('utf8');
  });
  it('safeCell defuses formulas', () => {
    expect(safeCell('=1+1')).toBe("'=1+1");
    expect(safeCell('+86')).toBe("'+86");
    expect(safeCell('-3')).toBe("'-3");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('\tx')).toBe("'\tx");
    expect(safeCell('衡水')).toBe('衡水');
    expect(safeCell(-3)).toBe(-3);
    expect(toCsv(['a', 'b'], [['=x', '1,2']])).toBe('a,b\r\n\'=x,"1,2"\r\n');
  });
});
