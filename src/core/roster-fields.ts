/**
 * The columns of each roster file (../shared/spec/rosters.md): fields, accepted headers,
 * header normalisation and matching, and the conversion of one row. Pure.
 */
import type { Cell, Bad } from './normalize.js';
import * as N from './normalize.js';
import type { ObjClass } from './types.js';
import { put } from './json-scan.js';
export type ImportKind = 'objects' | 'inspectors' | 'experts' | 'items' | 'avoidance';
export const IMPORT_KINDS: readonly ImportKind[] = ['objects', 'inspectors', 'experts', 'items', 'avoidance'];

export interface FieldSpec {
  field: string;
  headers: string[];
  required?: boolean;
}

export const FIELDS: Record<ImportKind, FieldSpec[]> = {
  objects: [
    { field: 'id', headers: ['统一社会信用代码', '社会信用代码', '对象编码', '单位编码', 'id'], required: true },
    { field: 'name', headers: ['单位名称', '企业名称', '对象名称', 'name'], required: true },
    { field: 'region', headers: ['所属区县', '区县', '所属区域', '行政区划', 'region'], required: true },
    { field: 'category', headers: ['监管类别', '监管对象类别', '对象类别', 'category', 'class'] },
    { field: 'specialCondition', headers: ['特殊监管条件', 'specialCondition'] },
    { field: 'keyCondition', headers: ['重点监管条件', 'keyCondition'] },
    { field: 'generalCondition', headers: ['一般监管条件', 'generalCondition'] },
    { field: 'positive', headers: ['正面清单', '是否正面清单', 'positive'] },
    { field: 'tier', headers: ['信用等级', '信用风险等级', '环境信用等级', 'tier'] },
    { field: 'industry', headers: ['行业', '行业类别', '所属行业', 'industry'] },
    { field: 'tags', headers: ['标签', '分类标签', 'tags'] },
    { field: 'offsite', headers: ['具备非现场监管条件', '在线监控', 'offsite'] },
    { field: 'status', headers: ['状态', '生产状态', '经营状态', 'status'] },
    { field: 'months', headers: ['生产月份', 'months'] },
    { field: 'permit', headers: ['排污许可管理类别', 'permit'] },
    { field: 'address', headers: ['地址', 'address'] },
    { field: 'contact', headers: ['联系人', 'contact'] },
    { field: 'phone', headers: ['联系电话', 'phone'] },
  ],
  inspectors: [
    { field: 'id', headers: ['执法证号', '人员编码', '工号', 'id'], required: true },
    { field: 'name', headers: ['姓名', 'name'], required: true },
    { field: 'region', headers: ['所属单位', '所属区县', '单位', 'region'], required: true },
    { field: 'line', headers: ['业务条线', '科室', '业务科室', 'line'] },
    { field: 'certified', headers: ['持有执法证', '执法证', 'certified'] },
    { field: 'certExpiry', headers: ['执法证有效期至', '证件有效期', 'certExpiry'] },
    { field: 'specialties', headers: ['擅长行业', '专业特长', '专长', 'specialties'] },
    { field: 'status', headers: ['状态', '在岗状态', 'status'] },
  ],
  experts: [
    { field: 'id', headers: ['专家编号', 'id'], required: true },
    { field: 'name', headers: ['姓名', 'name'], required: true },
    { field: 'org', headers: ['工作单位', 'org'] },
    { field: 'region', headers: ['所属区域', 'region'] },
    { field: 'industries', headers: ['擅长行业', 'industries'] },
    { field: 'status', headers: ['状态', 'status'] },
  ],
  items: [
    { field: 'id', headers: ['事项编码', 'id'], required: true },
    { field: 'name', headers: ['事项名称', '抽查事项', 'name'], required: true },
    { field: 'basis', headers: ['检查依据', '法律依据', 'basis'] },
    { field: 'line', headers: ['实施科室', '业务条线', 'line'] },
    { field: 'classes', headers: ['适用对象', 'classes'] },
    { field: 'industries', headers: ['适用行业', 'industries'] },
    { field: 'method', headers: ['检查方式', 'method'] },
    { field: 'level', headers: ['实施层级', 'level'] },
  ],
  avoidance: [
    { field: 'person', headers: ['执法证号', '专家编号', '人员编号', 'person'], required: true },
    { field: 'object', headers: ['统一社会信用代码', '社会信用代码', '对象编码', 'object'], required: true },
    { field: 'reason', headers: ['回避事由', '回避原因', 'reason'] },
  ],
};

/**
 * A header as compared: spaces (full-width too), line breaks and a trailing * / ＊ removed,
 * full-width brackets and colons made half-width, ASCII letters lower-cased.
 */
export function normHeader(h: string): string {
  return h
    .replace(/[\s\u3000\u00a0\ufeff]/gu, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/【/g, '[')
    .replace(/】/g, ']')
    .replace(/：/g, ':')
    .replace(/[*＊]+$/u, '')
    .replace(/[*＊]+(?=\()/u, '')
    .replace(/:$/u, '')
    .toLowerCase();
}

/**
 * How well a header names an alias: 2 = equal after normalisation; 1 = the alias followed by a
 * bracketed remark (`所属区县（市、区）`, `联系电话(手机)`); 0 = no match. Only a bracket may
 * follow, so `区县` never matches `区县代码` and `执法证` never matches `执法证号`.
 */
export function headerMatch(header: string, alias: string): 0 | 1 | 2 {
  const h = normHeader(header);
  const a = normHeader(alias);
  if (h === '' || a === '') return 0;
  if (h === a) return 2;
  if (h.startsWith(a) && (h[a.length] === '(' || h[a.length] === '[')) return 1;
  return 0;
}

export interface HeaderMap {
  /** field → column index */
  fields: Map<string, number>;
  /** columns not used by any field: index → header as written */
  extra: Map<number, string>;
  missing: string[];
}

/**
 * Map the columns of a header row to the fields of a kind. `map` (from --map field=表头) wins;
 * then exact alias matches, then alias+remark matches, in the order of the aliases.
 */
export function mapHeaders(kind: ImportKind, headers: string[], map: Record<string, string> = {}): HeaderMap {
  const specs = FIELDS[kind];
  const fields = new Map<string, number>();
  const used = new Set<number>();
  for (const [field, header] of Object.entries(map)) {
    const i = headers.findIndex((h, j) => !used.has(j) && normHeader(h) === normHeader(header) && h.trim() !== '');
    if (i >= 0) {
      fields.set(field, i);
      used.add(i);
    }
  }
  for (const level of [2, 1] as const) {
    for (const spec of specs) {
      if (fields.has(spec.field) || spec.field in map) continue;
      for (const alias of spec.headers) {
        const i = headers.findIndex((h, j) => !used.has(j) && headerMatch(h, alias) === level);
        if (i >= 0) {
          fields.set(spec.field, i);
          used.add(i);
          break;
        }
      }
    }
  }
  const extra = new Map<number, string>();
  headers.forEach((h, i) => {
    const w = h.replace(/[\r\n]+/g, ' ').trim();
    if (!used.has(i) && w !== '') extra.set(i, w);
  });
  const missing = specs.filter((s) => s.required && !fields.has(s.field)).map((s) => s.field);
  return { fields, extra, missing };
}

/** The header (as listed in the spec) to name a missing field in messages. */
export function fieldLabel(kind: ImportKind, field: string): string {
  const s = FIELDS[kind].find((f) => f.field === field);
  return s ? `${s.headers.filter((h) => /[^\x00-\x7f]/.test(h)).join('/')} (${field})` : field;
}

/** Known field names of a kind (for --map validation). */
export function fieldNames(kind: ImportKind): string[] {
  return FIELDS[kind].map((f) => f.field);
}

// ---- one row → one roster entry --------------------------------------------------------


export interface ConvertCtx {
  /** a region by name, code or alias; undefined when unknown */
  region(s: string): { code: string; level: 'city' | 'county' } | undefined;
  /** tier codes of the rules in force */
  tiers: readonly string[];
}

export interface RowIssue {
  /** the column's header as written in the file ('' = none) */
  column: string;
  tag: string;
  params?: Record<string, string | number>;
}

export interface Converted {
  /** the roster key ('' when the row has no valid id); avoidance: person|object */
  id: string;
  /** column header naming the id (for duplicate-id problems) */
  idColumn: string;
  /** the data fields (camelCase as in io/roster-read.ts), extra included */
  data: Record<string, unknown>;
  /** region code (objects, inspectors, experts) for the summary */
  region?: string;
  cls?: ObjClass;
  classBy?: string;
  issues: RowIssue[];
}

/** Convert one data row of a roster file; problems are collected, never thrown. */
export function convertRow(kind: ImportKind, cells: Cell[], hm: HeaderMap, headers: string[], ctx: ConvertCtx): Converted {
  return rowConverter(kind, hm, headers, ctx)(cells);
}

/** distinct string values remembered per memoised column */
const MEMO_MAX = 512;

/**
 * `fn` remembering its results for string cells. For the columns whose values repeat (category,
 * yes/no, tier, status, months, tags, region …): a 100k-row roster has a handful of distinct
 * values there, and parsing each once is most of the saving. Results are never mutated.
 */
function memo<T>(fn: (c: Cell) => T): (c: Cell) => T {
  const cache = new Map<string, T>();
  return (c) => {
    if (typeof c !== 'string') return fn(c);
    const r = cache.get(c);
    if (r !== undefined || cache.has(c)) return r as T;
    const v = fn(c);
    if (cache.size < MEMO_MAX) cache.set(c, v);
    return v;
  };
}

/**
 * The converter of one file: `convertRow` for every row of it, with what is the same on every
 * row (column labels, the parsers of repeating columns) set up once.
 */
export function rowConverter(kind: ImportKind, hm: HeaderMap, headers: string[], ctx: ConvertCtx): (cells: Cell[]) => Converted {
  const labels = new Map<string, string>();
  const col = (field: string) => {
    let l = labels.get(field);
    if (l === undefined) {
      const i = hm.fields.get(field);
      l = i === undefined ? '' : headerLabel(headers[i] ?? '');
      labels.set(field, l);
    }
    return l;
  };
  const at = new Map<string, number>(hm.fields);
  const extraCols = [...hm.extra].map(([i, header]) => ({ i, header, label: headerLabel(headers[i] ?? header) }));
  const memoText = memo(N.text);
  const memoList = memo(N.list);
  const yesNo = [memo((c: Cell) => N.yesNo(c, false)), memo((c: Cell) => N.yesNo(c, true))] as const;
  const category = memo(N.category);
  const tier = memo((c: Cell) => N.tier(c, ctx.tiers));
  const objectStatus = memo(N.objectStatus);
  const personStatus = memo(N.personStatus);
  const months = memo(N.months);
  const itemClasses = memo(N.itemClasses);
  const itemLevel = memo(N.itemLevel);

  // the row being converted
  let cells: Cell[] = [];
  let issues: RowIssue[] = [];
  const cell = (field: string): Cell => {
    const i = at.get(field);
    return i === undefined ? null : (cells[i] ?? null);
  };
  function take<T>(field: string, r: T | Bad, dflt: T): T {
    if (N.isBad(r)) {
      issues.push({ column: col(field), tag: r.bad, params: r.params });
      return dflt;
    }
    return r;
  }
  const txt = (field: string) => take(field, N.text(cell(field)), '');
  /** text of a column whose values repeat */
  const rtxt = (field: string) => take(field, memoText(cell(field)), '');
  const required = (field: string, repeating = false) => {
    const v = repeating ? rtxt(field) : txt(field);
    if (v === '' && !issues.some((p) => p.column === col(field))) issues.push({ column: col(field), tag: 'missing-value' });
    return v;
  };
  const idOf = (field: string) => take(field, N.id(cell(field)), '');
  const list = (field: string) => take<string[]>(field, memoList(cell(field)), []);
  const yn = (field: string, d: boolean) => take(field, yesNo[d ? 1 : 0](cell(field)), d);
  const region = (field: string, allowCity: boolean, optional = false): string => {
    const v = optional ? rtxt(field) : required(field, true);
    if (v === '') return '';
    const r = ctx.region(v);
    if (!r) {
      issues.push({ column: col(field), tag: 'unknown-region', params: { value: N.printable(v) } });
      return '';
    }
    if (!allowCity && r.level === 'city') {
      issues.push({ column: col(field), tag: 'city-region', params: { value: N.printable(v) } });
      return '';
    }
    return r.code;
  };

  return (row: Cell[]): Converted => {
    cells = row;
    issues = [];
    let id = '';
    let idColumn = col('id');
    const data: Record<string, unknown> = {};
    const out: Converted = { id: '', idColumn, data, issues };
    switch (kind) {
      case 'objects': {
        id = idOf('id');
        data.name = required('name');
        data.region = out.region = region('region', false);
        const cat = take<N.Category | null>('category', category(cell('category')), null);
        const c = N.deriveClass({
          category: cat,
          special: yn('specialCondition', false),
          key: yn('keyCondition', false),
          general: yn('generalCondition', false),
          positive: yn('positive', false),
        });
        data.class = out.cls = c.cls;
        data.classBy = out.classBy = c.by;
        data.tier = take<string | null>('tier', tier(cell('tier')), null);
        data.industry = rtxt('industry');
        data.tags = list('tags');
        data.offsite = yn('offsite', false);
        data.status = take('status', objectStatus(cell('status')), 'active');
        data.months = take('months', months(cell('months')), '');
        data.permit = rtxt('permit');
        data.address = txt('address');
        data.contact = txt('contact');
        data.phone = txt('phone');
        break;
      }
      case 'inspectors': {
        id = idOf('id');
        data.name = required('name');
        data.region = out.region = region('region', true);
        data.line = rtxt('line') || '执法';
        data.certified = yn('certified', true);
        const exp = cell('certExpiry');
        data.certExpiry = /^(长期|永久|长期有效|无期限)$/u.test(N.cellText(exp)) ? '' : take('certExpiry', N.date(exp), '');
        data.specialties = list('specialties');
        data.status = take('status', personStatus(cell('status')), 'active');
        break;
      }
      case 'experts': {
        id = idOf('id');
        data.name = required('name');
        data.org = txt('org');
        data.region = out.region = region('region', true, true);
        data.industries = list('industries');
        data.status = take('status', personStatus(cell('status')), 'active');
        break;
      }
      case 'items': {
        id = idOf('id');
        data.name = required('name');
        data.basis = txt('basis');
        data.line = rtxt('line');
        data.classes = take<string[]>('classes', itemClasses(cell('classes')), []);
        data.industries = list('industries');
        data.method = rtxt('method');
        data.level = take('level', itemLevel(cell('level')), 'both');
        break;
      }
      case 'avoidance': {
        const person = idOf('person');
        const object = idOf('object');
        data.person = person;
        data.object = object;
        data.reason = txt('reason');
        id = person && object ? `${person}|${object}` : '';
        idColumn = col('person');
        break;
      }
    }
    const extra: Record<string, string> = {};
    for (const { i, header, label } of extraCols) {
      const r = N.text(cells[i] ?? null);
      if (N.isBad(r)) issues.push({ column: label, tag: r.bad, params: r.params });
      else if (r !== '') put(extra, header, r); // a column headed "__proto__" too: an own member, kept
    }
    data.extra = extra;
    out.id = id;
    out.idColumn = idColumn;
    return out;
  };
}

/** A header as shown in messages: as written, line breaks folded. */
export function headerLabel(h: string): string {
  return h.replace(/\s*[\r\n]+\s*/g, '').trim();
}
