/**
 * The task list (任务清单) an inspection team carries: per task the object (name, credit code,
 * address, contact and phone from the objects roster), industry, method, the team (leader
 * first), expert, the deadline, the items as short codes, and columns for the inspection date
 * and the signatures. Sorted by county, then team; the item list on its own sheet. `byTeam`:
 * each team on its own printed page(s), under a caption naming it. The same rows as CSV.
 * The file is for the bureau: in Chinese whatever --lang.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type ExcelJS from 'exceljs';
import { itemCodes, matchItems } from '../core/items.js';
import { parseQuarter, type Quarter } from '../core/quarter.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { valueName } from '../messages/names.js';
import { loadCalendar } from './calendar-store.js';
import { commitOfDraw } from './commit-store.js';
import { toCsv } from './csv.js';
import type { DB } from './db.js';
import type { EffectiveTask } from './draw-store.js';
import { Regions } from './regions.js';
import { readRoster, type ItemRow, type ObjectRow } from './roster-read.js';
import { rulesForYear } from './rules-store.js';
import { bureauName, quarterLabel } from './titles.js';
import {
  addTableSheet, BORDER, fitHeights, fitWidths, newWorkbook, printSetup, writeDataRow, writeHeaderRow, writeLine, writeTitle,
} from './xlsx.js';


/** A cell of a file written for the bureau: from the catalogue, but always in Chinese. */
const fileText = (key: string, vars: Record<string, string | number> = {}): string => t(key, vars, 'zh');

/** --by: only `team` groups the list (one printed page per team). */
export function parseBy(v: string | undefined): { byTeam: boolean } {
  if (v === undefined) return { byTeam: false };
  if (v.trim() === 'team') return { byTeam: true };
  throw new UsageError(t('usage.badValue', { flag: '--by', value: v }), 'team');
}

export interface TaskListRow {
  no: number;
  /** team number in the list, 1.. */
  team: number;
  county: string;
  taskNo: string;
  drawId: string;
  objectName: string;
  objectId: string;
  address: string;
  contact: string;
  phone: string;
  industry: string;
  cls: string;
  tier: string;
  method: string;
  joint: string;
  /** names, leader first */
  inspectors: string[];
  inspectorIds: string[];
  expert: string;
  itemCodes: string[];
  itemNames: string[];
  deadline: string;
}

export interface TaskList {
  title: string;
  quarter: Quarter | undefined;
  drawIds: string[];
  deadline: string;
  rows: TaskListRow[];
  /** the current item list with its short codes */
  items: { code: string; item: ItemRow }[];
  /** per draw revealed from a commit: "committed at … before the entropy was known" (the footer) */
  commitments: string[];
}

/**
 * The last day to finish the quarter's inspections: the day the quarterly summary is due by
 * the rules (deadlines.summaryWorkingDaysBeforeQuarterEnd working days before the quarter
 * ends), the quarter's last day when the rules give none.
 */
export function taskDeadline(db: DB, q: Quarter): string {
  const days = rulesForYear(db, q.year).rules.deadlines?.summaryWorkingDaysBeforeQuarterEnd ?? 0;
  return days > 0 ? loadCalendar(db).addWorkingDays(q.end, -days) : q.end;
}

/** The rows of the task list, sorted by county (in region order), then team, then task number. */
export function buildTaskList(db: DB, tasks: EffectiveTask[], opts: { note?: string } = {}): TaskList {
  const regions = Regions.load(db);
  const objects = new Map<string, ObjectRow>(readRoster(db, 'objects', { includeRemoved: true }).map((o) => [o.id, o]));
  const people = new Map<string, string>();
  for (const i of readRoster(db, 'inspectors', { includeRemoved: true })) people.set(i.id, i.name);
  for (const e of readRoster(db, 'experts', { includeRemoved: true })) people.set(e.id, e.name);
  const itemList = readRoster(db, 'items');
  const codes = itemCodes(itemList);
  const quarters = [...new Set(tasks.map((tk) => tk.quarter))].sort();
  const quarter = quarters.length === 1 ? parseQuarter(quarters[0]!) : undefined;
  const deadline = quarter ? taskDeadline(db, quarter) : '';
  const deadlineOf = new Map(quarters.map((id) => [id, quarter ? deadline : taskDeadline(db, parseQuarter(id)!)]));

  const countyRank = new Map(regions.all.map((r, k) => [r.code, k]));
  const teamKey = (tk: EffectiveTask) => `${tk.objectRegion}|${tk.inspectors.join(',')}`;
  // a team's place within its county: where its first task stands
  const firstOfTeam = new Map<string, string>();
  for (const tk of tasks) {
    const k = teamKey(tk);
    const f = firstOfTeam.get(k);
    if (f === undefined || tk.taskNo < f) firstOfTeam.set(k, tk.taskNo);
  }
  const sorted = [...tasks].sort((a, b) =>
    (countyRank.get(a.objectRegion) ?? 1e9) - (countyRank.get(b.objectRegion) ?? 1e9) ||
    cmp(firstOfTeam.get(teamKey(a))!, firstOfTeam.get(teamKey(b))!) || cmp(a.taskNo, b.taskNo));
  const teamNo = new Map<string, number>();
  const rows = sorted.map((tk, k): TaskListRow => {
    const o = objects.get(tk.objectId);
    const key = teamKey(tk);
    if (!teamNo.has(key)) teamNo.set(key, teamNo.size + 1);
    const items = matchItems(itemList, tk.class, o?.industry ?? '', tk.level);
    return {
      no: k + 1, team: teamNo.get(key)!, county: regions.name(tk.objectRegion), taskNo: tk.taskNo, drawId: tk.drawId,
      objectName: o?.name ?? '', objectId: tk.objectId, address: o?.address ?? '', contact: o?.contact ?? '', phone: o?.phone ?? '',
      industry: o?.industry ?? '', cls: valueName('class', tk.class, 'zh'), tier: tk.tier ?? fileText('draw.file.unrated'),
      method: valueName('method', tk.method, 'zh'),
      joint: tk.joint ? fileText('draw.file.jointInternal') : tk.departmentJoint ? fileText('draw.file.jointDepartment') : '',
      inspectors: tk.inspectors.map((id) => people.get(id) ?? id), inspectorIds: tk.inspectors,
      expert: tk.expert ? people.get(tk.expert) ?? tk.expert : '',
      itemCodes: items.map((i) => codes.get(i)!), itemNames: items.map((i) => i.name),
      deadline: deadlineOf.get(tk.quarter) ?? '',
    };
  });
  const drawIds = [...new Set(tasks.map((tk) => tk.drawId))];
  const period = quarter ? quarterLabel(quarter, 'zh') : quarters.join('、');
  const title = fileText('tasks.file.title', { unit: bureauName(regions.city, 'zh'), period }) + (opts.note ? `（${opts.note}）` : '');
  return { title, quarter, drawIds, deadline, rows, items: itemList.map((item) => ({ code: codes.get(item)!, item })), commitments: commitmentNotes(db, drawIds) };
}

/** The footer lines naming each draw's commitment, for the draws revealed from one. */
function commitmentNotes(db: DB, drawIds: string[]): string[] {
  return drawIds.flatMap((id) => {
    const c = commitOfDraw(db, id);
    return c ? [fileText('ceremony.file.committed', { id, at: c.payload.at, seq: c.seq, source: c.payload.entropySource })] : [];
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const XLSX_HEADERS = ['序号', '区县', '任务编号', '检查对象', '统一社会信用代码', '地址', '联系人及电话', '行业', '检查方式',
  '检查人员（组长在前）', '专家', '抽查事项', '完成时限', '检查日期', '检查人员签字', '被检查单位签字'];
/** where a column's text wraps (Excel units); the signature columns leave room to sign */
const XLSX_MAX = [5, 8, 22, 20, 20, 22, 13, 8, 10, 12, 7, 20, 11, 11, 10, 10];
/** columns filled in by hand */
const XLSX_MIN = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 11, 10, 10];

const CSV_HEADERS = ['序号', '检查组', '区县', '任务编号', '抽签编号', '检查对象', '统一社会信用代码', '地址', '联系人', '联系电话', '行业',
  '类别', '信用等级', '检查方式', '联合检查', '组长', '组员', '执法证号', '专家', '抽查事项代码', '抽查事项', '完成时限', '检查日期',
  '检查人员签字', '被检查单位签字'];

const teamText = (r: TaskListRow) => r.inspectors.map((n, k) => (k === 0 ? `${n}（组长）` : n)).join('\n');

function xlsxCells(r: TaskListRow): (string | number)[] {
  return [
    r.no, r.county, r.taskNo, r.objectName, r.objectId, r.address, [r.contact, r.phone].filter(Boolean).join('\n'), r.industry,
    [r.method, r.joint].filter(Boolean).join('\n'), teamText(r), r.expert, r.itemCodes.join(' '), r.deadline, '', '', '',
  ];
}

function csvCells(r: TaskListRow): (string | number)[] {
  return [
    r.no, r.team, r.county, r.taskNo, r.drawId, r.objectName, r.objectId, r.address, r.contact, r.phone, r.industry, r.cls, r.tier,
    r.method, r.joint, r.inspectors[0] ?? '', r.inspectors.slice(1).join('、'), r.inspectorIds.join('、'), r.expert,
    r.itemCodes.join(' '), r.itemNames.join('；'), r.deadline, '', '', '',
  ];
}

/** Write the task list: .csv (UTF-8 with BOM) when the file name says so, .xlsx otherwise. */
export async function writeTaskList(db: DB, file: string, tasks: EffectiveTask[], opts: { byTeam?: boolean; note?: string } = {}): Promise<TaskList> {
  const list = buildTaskList(db, tasks, opts);
  if (extname(file).toLowerCase() === '.csv') {
    writeFileSync(file, toCsv(CSV_HEADERS, list.rows.map(csvCells), { bom: true }));
    return list;
  }
  const wb = await newWorkbook();
  taskSheet(wb, list, Boolean(opts.byTeam));
  itemSheet(wb, list);
  await wb.xlsx.writeFile(file);
  return list;
}

/** The list: title, scope line, header (all three repeated on every page), rows; by team: a caption and a page per team. */
function taskSheet(wb: ExcelJS.Workbook, list: TaskList, byTeam: boolean): void {
  const ws = wb.addWorksheet(fileText('tasks.file.sheet'));
  const n = XLSX_HEADERS.length;
  const cells = list.rows.map(xlsxCells);
  const widths = fitWidths(XLSX_HEADERS, cells, { max: XLSX_MAX, min: XLSX_MIN });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  writeTitle(ws, 1, list.title, n);
  const scope = fileText('tasks.file.scope', {
    draws: list.drawIds.join('、') || '—', n: list.rows.length, teams: new Set(list.rows.map((r) => r.team)).size,
    deadline: list.deadline || '—',
  });
  writeLine(ws, 2, scope, 1, n);
  writeHeaderRow(ws, 3, XLSX_HEADERS);
  const center = XLSX_HEADERS.map((h) => ['序号', '完成时限', '专家'].includes(h));
  let r = 3;
  let prevTeam = 0;
  for (const [k, row] of list.rows.entries()) {
    if (byTeam && row.team !== prevTeam) {
      // a team starts a page (after the first) under a caption naming it
      if (prevTeam !== 0) ws.getRow(r).addPageBreak();
      writeLine(ws, ++r, teamCaption(row, list.rows), 1, n, { bold: true });
      ws.getCell(r, 1).border = BORDER;
    }
    prevTeam = row.team;
    writeDataRow(ws, ++r, cells[k]!, { center });
  }
  writeLine(ws, ++r, fileText('tasks.file.itemsNote'), 1, n, { size: 9, color: 'FF555555' });
  for (const note of list.commitments) writeLine(ws, ++r, note, 1, n, { size: 9, color: 'FF555555' });
  fitHeights(ws, 2, r);
  ws.views = [{ state: 'frozen', ySplit: 3 }];
  printSetup(ws, { titleRows: [1, 3], lastRow: r, lastCol: n });
}

function teamCaption(first: TaskListRow, rows: TaskListRow[]): string {
  const mine = rows.filter((r) => r.team === first.team);
  return fileText('tasks.file.team', {
    no: first.team, county: first.county, leader: first.inspectors[0] ?? '', members: first.inspectors.slice(1).join('、') || '—',
    expert: first.expert || '—', n: mine.length,
  });
}

/** The item list the codes refer to. */
function itemSheet(wb: ExcelJS.Workbook, list: TaskList): void {
  const classes = (cs: string[]) => (cs.length ? cs.map((c) => valueName('class', c, 'zh')).join('、') : fileText('tasks.file.all'));
  addTableSheet(wb, {
    name: fileText('tasks.file.itemsSheet'),
    title: fileText('tasks.file.itemsTitle'),
    headers: ['代码', '事项编号', '抽查事项', '检查依据', '检查方式', '适用类别', '适用行业', '层级'],
    rows: list.items.map(({ code, item }) => [
      code, item.id, item.name, item.basis, item.method, classes(item.classes), item.industries.join('、') || fileText('tasks.file.all'), valueName('level', item.level, 'zh'),
    ]),
    maxWidths: [6, 14, 40, 40, 10, 16, 20, 10],
    center: [true, false, false, false, true, false, false, true],
  });
}
