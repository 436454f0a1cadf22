/**
 * The results template (检查结果登记表) the counties fill in and send back to `sj results
 * import`: one row per effective task, current results pre-filled, drop-down lists and date
 * checks on the cells to fill, print-ready (A4 landscape, header repeated, wrapped names).
 * Row 1 is the title, row 2 the header, data from row 3 (io/results-read.ts finds the header
 * wherever it is; the layout stays for the people who fill it in).
 */
import { formatFen, OUTCOMES } from '../core/results.js';
import { quarterOf } from '../core/quarter.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import type { EffectiveTask } from './draw-store.js';
import { Regions } from './regions.js';
import { currentResults } from './results-store.js';
import { objectNames } from './object-names.js';
import { readRoster } from './roster-read.js';
import { valueName } from '../messages/names.js';
import { bureauName, quarterLabel } from './titles.js';
import { addTableSheet, newWorkbook, writeLine, printSetup } from './xlsx.js';

export const TEMPLATE_HEADERS = ['任务编号', '检查对象', '统一社会信用代码', '区县', '检查方式', '组长', '组员',
  '检查日期', '检查结果', '罚款金额(元)', '是否整改完成', '是否涉密', '公示日期', '备注'] as const;
const COL = Object.fromEntries(TEMPLATE_HEADERS.map((h, i) => [h, i + 1])) as Record<(typeof TEMPLATE_HEADERS)[number], number>;
/** where text wraps; the columns to fill in are wide enough to write in */
const MAX_WIDTHS = [22, 22, 20, 8, 10, 18, 18, 11, 12, 10, 8, 6, 11, 16];
const MIN_WIDTHS = [4, 4, 4, 4, 4, 4, 4, 11, 12, 10, 8, 6, 11, 14];

const quoteList = (xs: readonly string[]): string => `"${xs.join(',')}"`;
const utcDate = (d: string): Date => new Date(`${d}T00:00:00Z`);

/** 衡水市生态环境局2023年第二季度“双随机”抽查检查结果登记表（2023Q2-county-01） */
export function templateTitle(db: DB, quarter: string | undefined, drawId: string | undefined): string {
  const city = Regions.load(db).city;
  const id = quarter ?? drawId?.slice(0, 6) ?? '';
  const m = /^(\d{4})Q([1-4])$/.exec(id);
  const period = m ? quarterLabel(quarterOf(Number(m[1]), Number(m[2])), 'zh') : '';
  return t('results.file.title', { unit: bureauName(city, 'zh'), period }, 'zh') + (drawId ? `（${drawId}）` : '');
}

/** Write the results template: one row per effective task, current results pre-filled. */
export async function writeResultsTemplate(db: DB, file: string, tasks: EffectiveTask[], title: string): Promise<void> {
  const regions = Regions.load(db);
  const objects = objectNames(db);
  const people = new Map<string, string>();
  for (const i of readRoster(db, 'inspectors', { includeRemoved: true })) people.set(i.id, i.name);
  const who = (id: string) => `${people.get(id) ?? ''}(${id})`;
  const current = currentResults(db);
  const wb = await newWorkbook();
  const { ws, layout } = addTableSheet(wb, {
    name: '检查结果',
    title,
    headers: [...TEMPLATE_HEADERS],
    rows: tasks.map((tk) => {
      const r = current.get(tk.taskNo);
      return [
        tk.taskNo, objects.get(tk.objectId) ?? '', tk.objectId, regions.name(tk.objectRegion),
        valueName('method', r ? r.method : tk.method, 'zh'),
        who(tk.inspectors[0] ?? ''), tk.inspectors.slice(1).map(who).join('、'),
        null, r?.outcome ?? null, r && r.fineFen > 0 ? formatFen(r.fineFen) : null,
        r ? (r.rectified ? '是' : '否') : null, r ? (r.confidential ? '是' : '否') : null, null, r?.note || null,
      ];
    }),
    maxWidths: MAX_WIDTHS,
    minWidths: MIN_WIDTHS,
    center: TEMPLATE_HEADERS.map((h) => ['检查日期', '是否整改完成', '是否涉密', '公示日期'].includes(h)),
  });
  tasks.forEach((tk, i) => {
    const row = ws.getRow(layout.firstRow + i);
    const r = current.get(tk.taskNo);
    const dateCell = row.getCell(COL['检查日期']);
    if (r) dateCell.value = utcDate(r.date);
    dateCell.numFmt = 'yyyy-mm-dd';
    dateCell.dataValidation = {
      type: 'date', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [utcDate(tk.drawDate)],
      showErrorMessage: true, errorTitle: '检查日期', error: `检查日期不得早于抽签日期 ${tk.drawDate}`,
    };
    const pubCell = row.getCell(COL['公示日期']);
    if (r?.publishedOn) pubCell.value = utcDate(r.publishedOn);
    pubCell.numFmt = 'yyyy-mm-dd';
    pubCell.dataValidation = { type: 'date', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [utcDate(tk.drawDate)] };
    const list = (col: number, values: readonly string[]) => {
      row.getCell(col).dataValidation = { type: 'list', allowBlank: true, formulae: [quoteList(values)], showErrorMessage: true };
    };
    list(COL['检查结果'], OUTCOMES);
    list(COL['检查方式'], ['现场检查', '非现场检查']);
    list(COL['是否整改完成'], ['是', '否']);
    list(COL['是否涉密'], ['是', '否']);
    row.getCell(COL['罚款金额(元)']).numFmt = '@';
    row.getCell(COL['统一社会信用代码']).numFmt = '@';
  });
  helpSheet(wb);
  await wb.xlsx.writeFile(file);
}

const HELP = [
  '1. 每行是一项抽查任务，请勿修改「任务编号」「统一社会信用代码」。',
  '2. 尚未检查的任务：「检查日期」「检查结果」留空，导入时跳过。',
  `3. 检查结果只能填：${OUTCOMES.join('、')}（无法检查可注明原因，如 无法检查(停产)）。`,
  '4. 检查方式：现场检查 / 非现场检查；留空则按抽签确定的方式。',
  '5. 罚款金额单位为元，最多两位小数，如 12345 或 1,234.50；未罚款留空。',
  '6. 发现问题的任务在「是否整改完成」填 是 之前一直列为待整改。',
  '7. 涉及国家秘密、国家安全、公共安全的结果在「是否涉密」填 是，不予公示。',
  '8. 已在其他渠道公示的，在「公示日期」填写公示日期。',
  '9. 导入：sj results import 本文件；改正后可重新导入，历史版本保留。',
];

/** 填写说明: one column of lines, wide enough to read on a landscape page. */
function helpSheet(wb: Awaited<ReturnType<typeof newWorkbook>>): void {
  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 100;
  help.getCell(1, 1).value = '填写说明';
  help.getCell(1, 1).font = { name: '黑体', bold: true, size: 14 };
  help.getRow(1).height = 26;
  HELP.forEach((l, i) => {
    writeLine(help, i + 2, l, 1, 1, { size: 11 });
    help.getRow(i + 2).height = 20;
  });
  printSetup(help, { lastRow: HELP.length + 1, lastCol: 1 });
}
