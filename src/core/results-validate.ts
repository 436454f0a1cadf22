/**
 * Validating a results file (结果录入) row by row, pure: every problem named by row and column,
 * and the records only when there is none. The file comes in already read (io/results-read.ts),
 * the draws' tasks as plain facts, and "today" from the caller.
 */
import { cellText, date as parseDate, isBad, text as parseText, yesNo, type Cell } from './normalize.js';
import { normalizeMethod, normalizeOutcome, OUTCOMES, parseFen, type ResultMethod } from './results.js';
import type { Method } from './types.js';
import type { RowProblem } from '../errors.js';
import { t } from '../messages/index.js';

/** One result as written to a batch (and to its ledger payload). */
export interface ResultRecord {
  taskNo: string;
  date: string;
  method: ResultMethod;
  outcome: string;
  fineFen: number;
  rectified: boolean;
  confidential: boolean;
  publishedOn: string | null;
  note: string;
}

export const MAX_RESULT_PROBLEMS = 1000;

/** The columns a results file may have. */
export type ResultField = 'task' | 'drawId' | 'objectId' | 'date' | 'method' | 'outcome' | 'fine' | 'rectified' | 'confidential' | 'published' | 'note';

/** A results file as read: its rows by field, and each field's header as the file writes it. */
export interface ResultsSheet {
  file: string;
  sheet?: string;
  columns: Map<ResultField, number>;
  header(field: ResultField): string;
  rows: { rowNumber: number; get(field: ResultField): Cell }[];
}

/** What validation needs of a task (io/draw-store.ts EffectiveTask has it). */
export interface ResultTask {
  taskNo: string;
  drawId: string;
  objectId: string;
  voided: boolean;
  /** YYYY-MM-DD */
  drawDate: string;
  method: Method;
}

/** Validate every row; records only when there is no problem at all. */
export function validateRows(f: ResultsSheet, tasks: readonly ResultTask[], today: string): { records: ResultRecord[]; problems: RowProblem[]; skipped: number } {
  const byNo = new Map(tasks.map((tk) => [tk.taskNo, tk]));
  const byDrawObject = new Map<string, ResultTask>();
  for (const tk of tasks) byDrawObject.set(`${tk.drawId}|${tk.objectId}`, tk);
  const problems: RowProblem[] = [];
  const records: ResultRecord[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  for (const row of f.rows) {
    if (problems.length >= MAX_RESULT_PROBLEMS) break;
    const p = (field: ResultField, key: string, params: Record<string, string | number> = {}) =>
      problems.push({ file: f.file, sheet: f.sheet, row: row.rowNumber, column: f.header(field), problem: t(`results.p.${key}`, params) });
    const str = (field: ResultField) => cellText(row.get(field));
    const dateCell = row.get('date');
    const outcomeText = str('outcome');
    if (outcomeText === '' && cellText(dateCell) === '') {
      skipped++;
      continue;
    }
    const before = problems.length;
    // the task
    let task: ResultTask | undefined;
    const taskText = str('task');
    if (taskText !== '') {
      task = byNo.get(taskText);
      if (!task) p('task', 'unknownTask', { value: taskText });
      else if (f.columns.has('objectId') && str('objectId') !== '' && str('objectId').toUpperCase() !== task.objectId.toUpperCase()) {
        p('objectId', 'objectMismatch', { value: str('objectId'), task: task.taskNo, object: task.objectId });
      }
    } else if (str('drawId') !== '' && str('objectId') !== '') {
      task = byDrawObject.get(`${str('drawId')}|${str('objectId')}`) ?? byDrawObject.get(`${str('drawId')}|${str('objectId').toUpperCase()}`);
      if (!task) p('objectId', 'noTaskForObject', { draw: str('drawId'), object: str('objectId') });
    } else {
      p(f.columns.has('task') ? 'task' : 'drawId', 'missingTask');
    }
    if (task?.voided) p(f.columns.has('task') ? 'task' : 'drawId', 'voidedDraw', { task: task.taskNo, draw: task.drawId });
    if (task) {
      const first = seen.get(task.taskNo);
      if (first !== undefined) p(f.columns.has('task') ? 'task' : 'objectId', 'duplicate', { task: task.taskNo, row: first });
      else seen.set(task.taskNo, row.rowNumber);
    }
    // the date
    let date = '';
    const d = parseDate(dateCell);
    if (isBad(d)) p('date', 'badDate', { value: String(d.params?.value ?? cellText(dateCell)) });
    else if (d === '') p('date', 'missingDate');
    else {
      date = d;
      if (task && d < task.drawDate) p('date', 'beforeDraw', { date: d, drawDate: task.drawDate, draw: task.drawId });
      if (d > today) p('date', 'future', { date: d, today });
    }
    // the outcome
    const outcome = normalizeOutcome(outcomeText);
    if (outcomeText === '') p('outcome', 'missingOutcome');
    else if (!outcome) p('outcome', 'badOutcome', { value: outcomeText, list: OUTCOMES.join('、') });
    // method
    const m = normalizeMethod(str('method'));
    if (m === null) p('method', 'badMethod', { value: str('method') });
    // fine
    const fineCell = row.get('fine');
    const fine = parseFen(typeof fineCell === 'number' ? fineCell : cellText(fineCell));
    if ('bad' in fine) p('fine', `fine.${fine.bad}`, { value: fine.value });
    // yes / no
    const yn = (field: ResultField): boolean => {
      const v = yesNo(row.get(field), false);
      if (isBad(v)) {
        p(field, 'badYesNo', { value: str(field) });
        return false;
      }
      return v;
    };
    const rectified = yn('rectified');
    const confidential = yn('confidential');
    // 公示日期
    let publishedOn: string | null = null;
    const pd = parseDate(row.get('published'));
    if (isBad(pd)) p('published', 'badDate', { value: String(pd.params?.value ?? str('published')) });
    else if (pd !== '') {
      publishedOn = pd;
      if (date && pd < date) p('published', 'publishedBeforeInspection', { date: pd, inspected: date });
      if (pd > today) p('published', 'future', { date: pd, today });
      if (confidential) p('published', 'confidentialPublished');
    }
    // 备注
    const note = parseText(row.get('note') as Cell);
    if (isBad(note)) p('note', 'badText');
    if (problems.length > before || !task || !outcome || m === null || 'bad' in fine || isBad(note)) continue;
    records.push({
      taskNo: task.taskNo, date, method: m === '' ? task.method : m, outcome, fineFen: fine.fen, rectified, confidential, publishedOn, note,
    });
  }
  return { records, problems, skipped };
}

