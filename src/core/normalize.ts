/**
 * Normalising roster cell values (../shared/spec/rosters.md): yes/no, dates, lists, ids,
 * production months, text checks and the class of an object. Pure: no fs, console or clock.
 *
 * A cell arrives as what the reader produced: string, number, boolean, Date (exceljs date
 * cells: the wall-clock date at UTC midnight) or null. Every parser returns either a value
 * or a `Bad` naming the problem: a tag (`bad-date` …) whose text is `import.p.<tag>` in
 * messages/import.ts, plus its parameters.
 */
import type { ObjClass } from './types.js';

export type Cell = string | number | boolean | Date | null;

export interface Bad {
  bad: string;
  params?: Record<string, string | number>;
}
export const isBad = (x: unknown): x is Bad => typeof x === 'object' && x !== null && 'bad' in x && !(x instanceof Date);

/** Integers as plain digits (13110012345, never 1.3e10 nor 13110012345.0). */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Math.abs(n) >= 1e15 ? BigInt(n).toString() : String(n);
  return String(n);
}

/** The text of a cell, trimmed (full-width spaces too). Dates as YYYY-MM-DD. */
export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') {
    // fast path: nothing to trim at either end (the regex below is the rule)
    if (v === '' || (!isSpaceCode(v.charCodeAt(0)) && !isSpaceCode(v.charCodeAt(v.length - 1)))) return v;
    return v.replace(/^[\s\u3000\ufeff]+|[\s\u3000\ufeff]+$/gu, '');
  }
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : utcDate(v);
  return String(v);
}

/** May this UTF-16 code unit be matched by /[\s\u3000\ufeff]/u? (a superset is fine: it only picks the slow path) */
function isSpaceCode(c: number): boolean {
  return c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Is `s` plain: no code unit that trimming, folding line breaks/tabs, the control check or the
 * surrogate check could act on (inner U+0020 spaces are fine)? Then text() returns it unchanged.
 */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x7f) {
      if (c < 0x20 || ((i === 0 || i === s.length - 1) && c === 0x20)) return false;
    } else if (isSpaceCode(c) || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

function utcDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
const pad = (n: number) => String(n).padStart(2, '0');

// ---- text ----------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text of a cell for a text field: trimmed, line breaks and tabs inside (Alt+Enter in Excel)
 * folded to one space. Any other control character or a lone surrogate is a problem.
 */
export function text(v: Cell): string | Bad {
  if (typeof v === 'string' && isPlain(v)) return v;
  const s = cellText(v).replace(/[ \t]*[\r\n\t]+[ \t]*/g, ' ');
  const m = CONTROL.exec(s);
  if (m) return { bad: 'control-char', params: { code: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` } };
  if (LONE_SURROGATE.test(s)) return { bad: 'lone-surrogate' };
  return s;
}

// ---- ids -----------------------------------------------------------------------------

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An id: full-width letters/digits folded to ASCII, spaces removed at the ends; syntax checked. */
export function id(v: Cell): string | Bad {
  const raw = cellText(v);
  if (raw === '') return { bad: 'missing-value' };
  const s = raw.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (!ID_RE.test(s)) return { bad: 'bad-id', params: { value: printable(raw) } };
  return s;
}

/** A value shown in a message: control characters made visible, long values cut. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const v = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return v.length > 40 ? v.slice(0, 40) + '…' : v;
}

// ---- yes / no ------------------------------------------------------------------------

const YES = new Set(['是', 'y', 'yes', '√', '✓', '✔', '☑', '1', 'true', '有', '对', 't', '是的']);
const NO = new Set(['否', 'n', 'no', '×', '✗', '✘', 'x', '0', 'false', '无', '错', 'f', '不是', '没有']);

/** Yes/no: 是/否, Y/N, √/empty, ✓, 1/0, TRUE/FALSE, booleans. Empty → `dflt`. */
export function yesNo(v: Cell, dflt: boolean): boolean | Bad {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (v === 1) return true;
    if (v === 0) return false;
    return { bad: 'bad-boolean', params: { value: numberText(v) } };
  }
  const s = cellText(v);
  if (s === '') return dflt;
  const k = s.toLowerCase();
  if (YES.has(k)) return true;
  if (NO.has(k)) return false;
  return { bad: 'bad-boolean', params: { value: printable(s) } };
}

// ---- dates ---------------------------------------------------------------------------

const SERIAL_MIN = 20000;
const SERIAL_MAX = 80000;

function validYmd(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > dim) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** An Excel serial day number (1900 system, after the fake 1900-02-29) as YYYY-MM-DD. */
export function serialDate(n: number): string {
  const ms = Date.UTC(1899, 11, 30) + Math.floor(n) * 86400_000;
  return utcDate(new Date(ms));
}

/**
 * A calendar date as YYYY-MM-DD, "" when empty. Excel date cells (UTC parts), 2023-04-03,
 * 2023/4/3, 2023.4.3, 2023年4月3日, 20230403, serial numbers 20000–80000 (numbers or digits);
 * a time after the date is ignored.
 */
export function date(v: Cell): string | Bad {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return { bad: 'bad-date', params: { value: '' } };
    return utcDate(v);
  }
  if (typeof v === 'number') {
    if (v >= SERIAL_MIN && v <= SERIAL_MAX) return serialDate(v);
    const s8 = numberText(v);
    if (/^\d{8}$/.test(s8)) {
      const r = validYmd(+s8.slice(0, 4), +s8.slice(4, 6), +s8.slice(6, 8));
      if (r) return r;
    }
    return { bad: 'bad-date', params: { value: numberText(v) } };
  }
  const s = cellText(v);
  if (s === '') return '';
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/u.exec(s);
  if (m) {
    const r = validYmd(+m[1]!, +m[2]!, +m[3]!);
    return r ?? { bad: 'bad-date', params: { value: printable(s) } };
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) {
    const r = validYmd(+m[1]!, +m[2]!, +m[3]!);
    if (r) return r;
  }
  if (/^\d{5}(\.\d+)?$/.test(s)) {
    const n = Number(s);
    if (n >= SERIAL_MIN && n <= SERIAL_MAX) return serialDate(n);
  }
  return { bad: 'bad-date', params: { value: printable(s) } };
}

// ---- lists ---------------------------------------------------------------------------

/** A list in one cell: split on 、 , ， ; ； / (and line breaks), trimmed, empties dropped, order kept, deduplicated. */
export function list(v: Cell): string[] | Bad {
  const s = text(v);
  if (isBad(s)) return s;
  const out: string[] = [];
  for (const part of s.split(/[、,，;；/／\n]/u)) {
    const p = part.replace(/^[\s\u3000]+|[\s\u3000]+$/gu, '');
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

// ---- production months ---------------------------------------------------------------

/**
 * Production months normalised to ranges, e.g. "1-3,11-12"; "" = all year (also for an empty
 * cell, 全年, or all twelve months). Accepts 1月-3月, 11~2 (wrapping), separators 、,，;；
 * and ranges with - – — ~ ～ 至 到.
 */
export function months(v: Cell): string | Bad {
  const raw = cellText(v);
  const s = raw.replace(/[\s\u3000]/gu, '').replace(/月份?/g, '');
  if (s === '' || s === '全年' || /^all$/i.test(s)) return '';
  const on = new Array<boolean>(13).fill(false);
  const bad: Bad = { bad: 'bad-months', params: { value: printable(raw) } };
  for (const part of s.split(/[、,，;；/]/u)) {
    if (part === '') continue;
    const m = /^(\d{1,2})(?:[-–—~～至到](\d{1,2}))?$/u.exec(part);
    if (!m) return bad;
    const a = +m[1]!;
    const b = m[2] !== undefined ? +m[2] : a;
    if (a < 1 || a > 12 || b < 1 || b > 12) return bad;
    if (a <= b) for (let i = a; i <= b; i++) on[i] = true;
    else {
      for (let i = a; i <= 12; i++) on[i] = true;
      for (let i = 1; i <= b; i++) on[i] = true;
    }
  }
  if (on.slice(1).every(Boolean)) return '';
  const ranges: string[] = [];
  for (let i = 1; i <= 12; i++) {
    if (!on[i]) continue;
    let j = i;
    while (j < 12 && on[j + 1]) j++;
    ranges.push(i === j ? String(i) : `${i}-${j}`);
    i = j;
  }
  if (ranges.length === 0) return bad;
  return ranges.join(',');
}

// ---- enumerations --------------------------------------------------------------------

const squash = (v: Cell) => cellText(v).replace(/[\s\u3000]/gu, '').replace(/（/g, '(').replace(/）/g, ')');

export type Category = 'special' | 'key' | 'general' | 'positive';

/** 监管类别: 特殊/重点/一般(监管对象), 一般(正面清单), 正面清单, or the English class; null when empty. */
export function category(v: Cell): Category | null | Bad {
  const s = squash(v);
  if (s === '') return null;
  const k = s.toLowerCase();
  if (k === 'special' || k === 'key' || k === 'general' || k === 'positive') return k;
  if (/^一般(监管)?(对象)?(类)?\(正面清单\)$/u.test(s) || s === '正面清单' || s === '正面清单对象') return 'positive';
  const m = /^(特殊|重点|一般)(监管)?(对象)?(类)?$/u.exec(s);
  if (m) return m[1] === '特殊' ? 'special' : m[1] === '重点' ? 'key' : 'general';
  return { bad: 'unknown-category', params: { value: printable(cellText(v)) } };
}

export interface ClassInput {
  category: Category | null;
  special: boolean;
  key: boolean;
  general: boolean;
  positive: boolean;
}

/**
 * The class of an object. A category given outright wins (一般 + 正面清单 = positive);
 * otherwise the plan's precedence: special, else general/positive (on the positive list or
 * general condition), else key, else general. `by` = 'precedence' when the key condition
 * held but special or general prevailed.
 */
export function deriveClass(x: ClassInput): { cls: ObjClass; by: 'category' | 'conditions' | 'precedence' } {
  if (x.category) {
    const cls: ObjClass = x.category === 'general' && x.positive ? 'positive' : x.category;
    return { cls, by: 'category' };
  }
  let cls: ObjClass;
  if (x.special) cls = 'special';
  else if (x.positive) cls = 'positive';
  else if (x.general) cls = 'general';
  else if (x.key) cls = 'key';
  else cls = 'general';
  return { cls, by: x.key && cls !== 'key' ? 'precedence' : 'conditions' };
}

/** 生产/经营状态 of an object. */
export function objectStatus(v: Cell): 'active' | 'suspended' | 'closed' | Bad {
  const s = squash(v).toLowerCase();
  if (['', '正常', '在产', '生产', '正常生产', '运营', '营业', '在营', '存续', 'active'].includes(s)) return 'active';
  if (['停产', '停业', '临时停产', '停产整治', '半停产', 'suspended'].includes(s)) return 'suspended';
  if (['关闭', '注销', '关停', '吊销', '已关闭', '已注销', '已关停', 'closed'].includes(s)) return 'closed';
  return { bad: 'unknown-status', params: { value: printable(cellText(v)) } };
}

/** 在岗状态 of an inspector or expert. */
export function personStatus(v: Cell): 'active' | 'inactive' | Bad {
  const s = squash(v).toLowerCase();
  if (['', '在岗', '正常', '在职', '有效', 'active'].includes(s)) return 'active';
  // 不在岗 is what `sj roster list … --csv` writes: a listed roster imports back
  if (['不在岗', '离岗', '退休', '调离', '借调', '离职', '停用', '无效', '病休', '休假', 'inactive'].includes(s)) return 'inactive';
  return { bad: 'unknown-status', params: { value: printable(cellText(v)) } };
}

/** 适用对象 of an item: a list of 特殊/重点/一般/正面清单, as classes. */
export function itemClasses(v: Cell): ObjClass[] | Bad {
  const l = list(v);
  if (isBad(l)) return l;
  const out: ObjClass[] = [];
  for (const e of l) {
    const c = category(e);
    if (c === null) continue;
    if (isBad(c)) return c;
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** 实施层级: 市级 → city, 县级 → county, 市县两级/empty → both. */
export function itemLevel(v: Cell): 'city' | 'county' | 'both' | Bad {
  const s = squash(v).toLowerCase();
  if (s === '' || ['市县两级', '两级', '市、县两级', '市县', '市级、县级', '市级,县级', 'both'].includes(s)) return 'both';
  if (['市级', '市', '市本级', 'city'].includes(s)) return 'city';
  if (['县级', '县', '县区', '县市区', 'county'].includes(s)) return 'county';
  return { bad: 'unknown-level', params: { value: printable(cellText(v)) } };
}

/** A tier code of the rules in force (A, a, A级 → A); null when empty. */
export function tier(v: Cell, codes: readonly string[]): string | null | Bad {
  const s = squash(v).replace(/级$/u, '');
  if (s === '' || s === '未评级' || s === '未评价' || s === '无') return null;
  const hit = codes.find((c) => c.toLowerCase() === s.toLowerCase());
  if (hit) return hit;
  return { bad: 'unknown-tier', params: { value: printable(cellText(v)), codes: codes.join('/') } };
}
