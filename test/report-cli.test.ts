/**
 * sj report / sj check end to end on the small fixture (fixtures/small: 桃城区 31 objects,
 * 冀州区 24, 3 inspectors at each of city, 桃城区, 冀州区 plus one retired and one expired),
 * spawning bin/sj.js with stdin closed, as cron would. Time frozen with SJ_NOW.
 *
 * Required numbers by hand (2023 rules, every object tier B so tiers change nothing):
 *   city:   special ceil(4×10%) = 1, key ceil(14×10%) = 2
 *   桃城区: special ceil(2×50%) = 1, key ceil(8×25%) = 2, positive 1×100% = 1, general ceil(20×3%) = 1
 *   冀州区: special 1, key ceil(6×25%) = 2, positive 1, general ceil(15×3%) = 1
 * sj-draw/2: the city's picks count for their counties (计入已抽), so the county draw selects
 * only what is still due, and 实抽 + 计入已抽 = 应抽 in every class; 13 required, 10 inspections.
 * Credit-based: over the sampled classes (special, key, general; every object tier B): 100%;
 * the positive list's census is outside the basis.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { FIXTURES } from './helpers.js';

const SMALL = join(FIXTURES, 'small');
const AT_DRAW = { SJ_NOW: '2023-04-03T01:00:00Z' };
const AFTER = { SJ_NOW: '2023-07-10T02:00:00Z' };

async function setup(dir: string, drawArgs: string[]): Promise<string> {
  const db = join(dir, 'sj.db');
  for (const kind of ['objects', 'inspectors']) {
    const r = (await sj(['--db', db, 'import', kind, join(SMALL, `${kind}.csv`)], { env: AT_DRAW }));
    expect(r.status, r.stderr).toBe(0);
  }
  const d = (await sj(['--db', db, 'draw', '--quarter', '2023Q2', '--seed', '42', '--yes', '--date', '2023-04-03', ...drawArgs], { env: AT_DRAW }));
  expect(d.status, d.stderr).toBe(0);
  return db;
}

type Row = Record<string, unknown> & { region: string; required: Record<string, number>; drawn: Record<string, number> };

describe('sj report / sj check on the small fixture', () => {
  let dir: string;
  let missedDb: string;
  let metDb: string;

  beforeAll(async () => {
    dir = tempDir('sj-report-');
    missedDb = (await setup(join(dir), []));
    const dir2 = tempDir('sj-report-met-');
    metDb = (await setup(dir2, ['--department-joint', '--partners', '市场监管局', '--joint-share', '100%']));
  });

  it('report --format json: every region, required/drawn by hand, objects, inspectors, voided', async () => {
    const r = (await sj(['--db', missedDb, 'report', '--quarter', '2023Q2', '--format', 'json'], { env: AFTER }));
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { period: string; rows: Row[]; voidedDraws: number; rules: { id: number; hash: string }; ledgerHead: string; generatedAt: string };
    expect(doc.period).toBe('2023Q2');
    expect(doc.generatedAt).toBe('2023-07-10T10:00:00+08:00');
    expect(doc.voidedDraws).toBe(0);
    expect(doc.rules.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.ledgerHead).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.rows).toHaveLength(13 + 1 + 1); // city, 13 counties, total
    const row = (code: string) => doc.rows.find((x) => x.region === code)!;
    const city = row('131100');
    expect(city.name).toBe('衡水市');
    expect(city.objects).toEqual({ special: 4, key: 14, positive: 2, general: 35, total: 55 });
    expect(city.inspectors).toBe(3);
    expect(city.required).toEqual({ special: 1, key: 2, positive: 0, general: 0, total: 3 });
    expect(city.drawn).toEqual(city.required);
    const tc = row('131102');
    expect(tc.objects).toEqual({ special: 2, key: 8, positive: 1, general: 20, total: 31 });
    expect(tc.inspectors).toBe(3); // 周桃四 retired
    expect(tc.required).toEqual({ special: 1, key: 2, positive: 1, general: 1, total: 5 });
    const sum = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! + b[k]!]));
    for (const r of [tc, row('131103')]) expect(sum(r.drawn, r.credited as Record<string, number>)).toEqual(r.required);
    expect((tc.credited as Record<string, number>).total).toBeGreaterThan(0); // the city drew one of 桃城区's key objects
    // credit-based over the sampled tasks: the positive-list census is outside the basis
    expect(tc.creditBasis).toBe((tc.inspections as number) - 1);
    expect(tc.creditBased).toBe(tc.creditBasis);
    expect(tc.creditBasedShare).toBe(10000);
    expect(tc.offsite).toBe(1); // the positive-list object
    const jz = row('131103');
    expect(jz.inspectors).toBe(3); // 陈冀四's certificate expired 2023-01-31
    expect(jz.required).toEqual({ special: 1, key: 2, positive: 1, general: 1, total: 5 });
    const total = row('total');
    expect(total.objects).toEqual(city.objects); // the city once
    expect(total.inspectors).toBe(9);
    expect(total.required).toEqual({ special: 3, key: 6, positive: 2, general: 2, total: 13 });
    expect(total.inspections).toBe(10); // 13 required, 3 of the counties' by the city's picks
    expect(total.jointDepartment).toBe(0);
    expect(total.fineYuan).toBe('0.00');
    // every task is joint or not: jointInternal of the rows adds up
    expect(total.jointInternal).toBe((city.jointInternal as number) + (tc.jointInternal as number) + (jz.jointInternal as number));
  });

  it('check: a quarter with targets missed exits 3 (no department joint inspection)', async () => {
    const r = (await sj(['--db', missedDb, 'check', '--quarter', '2023Q2', '--json'], { env: AFTER }));
    expect(r.status, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as { met: boolean; targets: { id: string; region: string; met: boolean; needed: number | null }[] };
    expect(doc.met).toBe(false);
    const missedDept = doc.targets.filter((l) => l.id === 'jointDepartment' && !l.met).map((l) => l.region).sort();
    expect(missedDept).toEqual(['131100', '131102', '131103']);
    // regions with nothing in the roster take no part
    expect(doc.targets.some((l) => l.region === '131121')).toBe(false);
    // class minimums all met (no shortfall in the draw)
    expect(doc.targets.filter((l) => l.id === 'classMinimum').every((l) => l.met)).toBe(true);
    // human output: a table on stdout, same exit
    const h = (await sj(['--db', missedDb, 'check', '--quarter', '2023Q2'], { env: AFTER }));
    expect(h.status).toBe(3);
    expect(h.stdout).toContain('部门联合抽查');
    expect(h.stdout).toContain('未完成');
    expect(h.stdout).toContain('期限已过：2023-07-05');
  });

  it('check: a quarter where every target is met exits 0; report + check chain from cron', async () => {
    const out = join(dir, 'stats.xlsx');
    const rep = (await sj(['--db', metDb, 'report', '--quarter', '2023Q2', '--out', out], { env: AFTER }));
    expect(rep.status, rep.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const r = (await sj(['--db', metDb, 'check', '--quarter', '2023Q2'], { env: AFTER }));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('全部');
  });

  it('results: fines, cases, publication and overdue flow into report and check', async () => {
    const dbDir = tempDir('sj-report-res-');
    const metCopy = (await setup(dbDir, ['--department-joint', '--partners', '市场监管局', '--joint-share', '100%']));
    const csv = join(dbDir, 'res.csv');
    const lines = [
      '任务编号,检查日期,检查方式,检查结果,罚款金额(元),是否整改完成,是否涉密,公示日期',
      '2023Q2-city-01-0001,2023-04-10,现场检查,立案处罚,12345,是,否,2023-04-20',
      '2023Q2-county-01-0001,2023-04-11,现场检查,移送公安,0.5,否,否,',
      '2023Q2-county-01-0002,2023-04-12,现场检查,未发现问题,,,是,',
    ];
    writeFileSync(csv, '\uFEFF' + lines.join('\n') + '\n');
    const imp = (await sj(['--db', metCopy, 'results', 'import', csv], { env: { SJ_NOW: '2023-05-10T02:00:00Z' } }));
    expect(imp.status, imp.stderr).toBe(0);
    const rep = JSON.parse((await sj(['--db', metCopy, 'report', '-q', '2023Q2', '--json'], { env: AFTER })).stdout) as { rows: Row[] };
    const total = rep.rows.find((x) => x.region === 'total')!;
    expect(total.inspected).toBe(3);
    expect(total.cases).toBe(1);
    expect(total.criminalReferrals).toBe(1);
    expect(total.problems).toBe(2);
    expect(total.fineYuan).toBe('12345.50');
    expect(total.published).toBe(1);
    expect(total.publishable).toBe(2); // the confidential one is not
    expect(total.overdue).toBe(1); // 04-11 + 20 working days < 07-10, not published
    const chk = (await sj(['--db', metCopy, 'check', '-q', '2023Q2', '--json'], { env: AFTER }));
    expect(chk.status).toBe(3);
    const missed = (JSON.parse(chk.stdout) as { targets: { id: string; met: boolean }[] }).targets.filter((l) => !l.met).map((l) => l.id);
    expect(missed).toEqual(['publication']);
    // before the due date nothing is overdue: exit 0
    expect((await sj(['--db', metCopy, 'check', '-q', '2023Q2'], { env: { SJ_NOW: '2023-05-10T02:00:00Z' } })).status).toBe(0);
  });

  it('voided draws are left out and counted', async () => {
    const dir3 = tempDir('sj-report-void-');
    const db = (await setup(dir3, []));
    const v = (await sj(['--db', db, 'draw', 'void', '2023Q2-county-01', '--reason', '测试作废'], { env: AT_DRAW }));
    expect(v.status, v.stderr).toBe(0);
    let doc = JSON.parse((await sj(['--db', db, 'report', '-q', '2023Q2', '--json'], { env: AFTER })).stdout) as { voidedDraws: number; rows: Row[] };
    expect(doc.voidedDraws).toBe(1);
    const tc = doc.rows.find((x) => x.region === '131102')!;
    // no live county draw: required from the roster, nothing drawn, not met
    expect(tc.required).toEqual({ special: 1, key: 2, positive: 1, general: 1, total: 5 });
    expect(tc.drawn.total).toBe(0);
    // only the city's picks in 桃城区 count: met where they reach the minimum, else not
    const cr = tc.credited as Record<string, number>;
    expect(tc.met).toEqual({ special: cr.special! >= 1, key: cr.key! >= 2, positive: false, general: false });
    const d = (await sj(['--db', db, 'draw', '--quarter', '2023Q2', '--level', 'county', '--seed', '43', '--yes', '--date', '2023-04-04'], { env: AT_DRAW }));
    expect(d.status, d.stderr).toBe(0);
    doc = JSON.parse((await sj(['--db', db, 'report', '-q', '2023Q2', '--json'], { env: AFTER })).stdout) as { voidedDraws: number; rows: Row[] };
    expect(doc.voidedDraws).toBe(1);
    expect(doc.rows.find((x) => x.region === 'total')!.inspections).toBe(10);
    const text = (await sj(['--db', db, 'report', '-q', '2023Q2'], { env: AFTER }));
    expect(text.stdout).toContain('已作废的抽签 1 次');
  });

  it('csv: UTF-8 BOM, one combined header row, totals', async () => {
    const out = join(dir, 'stats.csv');
    expect((await sj(['--db', missedDb, 'report', '--quarter', '2023Q2', '--out', out], { env: AFTER })).status).toBe(0);
    const buf = readFileSync(out);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).split('\r\n');
    const head = lines[0]!.split(',');
    expect(head).toContain('应抽-重点');
    expect(head).toContain('名录库对象数-特殊');
    expect(head).toContain('检查结果-罚款金额(元)');
    const total = lines.find((l) => l.startsWith(',合计,'))!.split(',');
    expect(total[head.indexOf('应抽-重点')]).toBe('6');
    expect(total[head.indexOf('检查结果-罚款金额(元)')]).toBe('0.00');
  });

  it('xlsx: title block, three merged header levels, frozen header, totals bold, closing lines, 校验信息 sheet', async () => {
    const out = join(dir, 'stats.xlsx');
    expect((await sj(['--db', missedDb, 'report', '--quarter', '2023Q2', '--out', out], { env: AFTER })).status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('衡水市生态环境局2023年第二季度“双随机、一公开”监管工作统计表');
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    // header rows 5–7: 地区 spans the three levels; 名录库对象数 its five columns, 一般 its two
    expect(merges).toContain('A5:A7');
    expect(ws.getCell('A5').value).toBe('地区');
    expect(merges).toContain('B5:F5');
    expect(ws.getCell('B5').value).toBe('名录库对象数');
    expect(merges).toContain('B6:B7'); // 特殊: a class with no figure level spans down
    expect(ws.getCell('B6').value).toBe('特殊');
    expect(merges).toContain('D6:E6');
    expect(ws.getCell('D6').value).toBe('一般');
    expect([ws.getCell('D7').value, ws.getCell('E7').value]).toEqual(['正面清单', '其他']);
    expect(merges).toContain('G5:G7');
    expect(ws.getCell('G5').value).toBe('在岗持证执法人员');
    // 抽查情况: four classes × 应抽 / 实抽 / 计入已抽 / 达标
    expect(merges).toContain('H5:W5');
    expect(ws.getCell('H5').value).toBe('抽查情况');
    expect(merges).toContain('H6:K6');
    expect(ws.getCell('H6').value).toBe('特殊');
    expect(['H7', 'I7', 'J7', 'K7'].map((a) => ws.getCell(a).value)).toEqual(['应抽', '实抽', '计入已抽', '达标']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 7, xSplit: 1 });
    // data from row 8: city, 13 counties, total
    expect(ws.getCell('A8').value).toBe('衡水市');
    const totalRow = ws.getRow(8 + 14);
    expect(totalRow.getCell(1).value).toBe('合计');
    expect(totalRow.getCell(1).font?.bold).toBe(true);
    expect(totalRow.getCell(6).value).toBe(55); // objects total, the city's once
    expect(totalRow.getCell(6).numFmt).toBe('0');
    const figures = ws.getRow(7).values as unknown[];
    const level2 = ws.getRow(6).values as unknown[];
    const shareCol = level2.indexOf('内部联合') + 1; // 次数, then 占比
    expect(figures[shareCol]).toBe('占比');
    expect(ws.getRow(8).getCell(shareCol).numFmt).toBe('0.0%');
    const fineCol = level2.indexOf('罚款金额(元)');
    expect(totalRow.getCell(fineCol).numFmt).toBe('#,##0.00');
    expect(totalRow.getCell(fineCol).value).toBe(0);
    // the title block and the closing lines
    const texts: string[] = [];
    ws.eachRow((r) => r.eachCell((c) => texts.push(String(c.value ?? ''))));
    const all = texts.join('\n');
    for (const s of ['表　　号：', '制表机关：衡水市生态环境局', '填报单位：衡水市生态环境局', '统计期间：2023年第二季度（2023-04-01 至 2023-06-30）',
      '计量单位：家、次、人、元', '单位负责人：', '统计负责人：', '填表人：', '报出日期：', '合计行对象数只计全市一次', '已作废的抽签 0 次', '工作表“校验信息”']) {
      expect(all).toContain(s);
    }
    // hashes and the rules version on the second sheet, not on the table
    expect(all).not.toMatch(/[0-9a-f]{64}/);
    const check = wb.getWorksheet('校验信息')!;
    const kv = new Map<string, string>();
    check.eachRow((r) => kv.set(String(r.getCell(1).value ?? ''), String(r.getCell(2).value ?? '')));
    expect(kv.get('生成时间（北京时间）')).toBe('2023-07-10T10:00:00+08:00');
    expect(kv.get('抽查规则哈希')).toMatch(/^[0-9a-f]{64}$/);
    expect(kv.get('抽签账本条目')).toBe('2');
    expect(kv.get('抽签账本头哈希')).toMatch(/^[0-9a-f]{64}$/);
    // the region column holds 衡水高新技术产业开发区 on two lines
    expect(ws.getColumn(1).width!).toBeGreaterThanOrEqual(12);
    expect(ws.getCell('A8').alignment?.wrapText).toBe(true);
  });

  it('usage: exactly one of --quarter/--year (exit 2); a missing database is an error (exit 1)', async () => {
    expect((await sj(['--db', missedDb, 'report'], { env: AFTER })).status).toBe(2);
    expect((await sj(['--db', missedDb, 'check', '--quarter', '2023Q2', '--year', '2023'], { env: AFTER })).status).toBe(2);
    expect((await sj(['--db', missedDb, 'report', '--year', '23'], { env: AFTER })).status).toBe(2);
    expect((await sj(['--db', missedDb, 'report', '-q', '2023Q2', '--out', join(dir, 'x.pdf')], { env: AFTER })).status).toBe(2);
    expect((await sj(['--db', join(dir, 'none.db'), 'check', '--quarter', '2023Q2'], { env: AFTER })).status).toBe(1);
  });

  it('--year: the started quarters; English messages', async () => {
    const r = (await sj(['--db', missedDb, '--lang', 'en', 'check', '--year', '2023', '--json'], { env: AFTER }));
    expect(r.status).toBe(3);
    const doc = JSON.parse(r.stdout) as { targets: { id: string; scope: string; region: string; note: string | null }[] };
    // Q1 had no draw: its class minimums are missed (from the roster), Q3 has begun (07-10)
    const scopes = new Set(doc.targets.filter((l) => l.id === 'classMinimum').map((l) => l.scope));
    expect([...scopes].sort()).toEqual(['2023Q1', '2023Q2', '2023Q3']);
    expect(doc.targets.find((l) => l.id === 'jointDepartment' && l.region === '131102')!.note).toContain('more inter-department');
    const rep = (await sj(['--db', missedDb, 'report', '--year', '2023', '--json'], { env: AFTER }));
    const y = JSON.parse(rep.stdout) as { period: string; quarters: string[] };
    expect(y.period).toBe('2023');
    expect(y.quarters).toEqual(['2023Q1', '2023Q2', '2023Q3']);
  });
});
