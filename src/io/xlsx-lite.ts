/**
 * A workbook written whole, without exceljs (issue 13: the annual report as xlsx in under
 * 0.6 s). exceljs costs a report about 0.2 s — 60–80 ms to load, the rest in its cell model
 * and its JavaScript DEFLATE — for tables of a few thousand cells; this writes the same files
 * in a few milliseconds.
 *
 * It is the part of exceljs's Workbook API that sj's writers use (xlsx.ts, report-xlsx.ts,
 * fairness-xlsx.ts): cells with a value (text, number, boolean) and a style (font, alignment,
 * border, fill, number format), merges, column widths and number formats, row heights, frozen
 * panes, page setup with print area and titles, a page footer, and data bars. It keeps
 * exceljs's semantics where they show in the file: a merged cell shares its master's style
 * object, a column's number format is applied to every cell of the rows that have values, a
 * new cell takes its column's style, a width of 9 is the default. Each part is written as
 * exceljs writes it — same elements, attributes, style and string numbering (test/xlsx-lite.test.ts
 * compares every part with exceljs's) — except the id of a data bar, which exceljs draws at
 * random and this derives from its place: a workbook is the same bytes on every run.
 *
 * The package is written by zlib (DEFLATE, CRC-32), its entries dated with the workbook.
 */
import { createRequire } from 'node:module';
import { crc32, deflateRawSync } from 'node:zlib';

/** 1 → A, 27 → AA */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

interface Color {
  argb?: string;
  theme?: number;
}
interface Font {
  name?: string;
  size?: number;
  bold?: boolean;
  italic?: boolean;
  color?: Color;
  family?: number;
  scheme?: string;
}
interface Alignment {
  horizontal?: string;
  vertical?: string;
  wrapText?: boolean;
}
interface Edge {
  style?: string;
}
interface Border {
  top?: Edge;
  left?: Edge;
  bottom?: Edge;
  right?: Edge;
}
interface Fill {
  type: string;
  pattern?: string;
  fgColor?: Color;
}
interface Style {
  numFmt?: string;
  font?: Font;
  alignment?: Alignment;
  border?: Border;
  fill?: Fill;
}
type Value = string | number | boolean | null;

// ---------------------------------------------------------------------------------------------
// the model

export class LiteCell {
  style: Style;
  private own: Value = null;
  /** the master of the merge this cell is in (not the master itself) */
  private mergedTo: LiteCell | null = null;
  private mergeRefs = 0;

  constructor(private readonly r: LiteRow, private readonly c: LiteColumn, readonly address: string) {
    // a new cell takes its row's and column's style (exceljs: Cell._mergeStyle)
    this.style = inherit(r.style, c.style);
  }

  get row(): number {
    return this.r.number;
  }
  get col(): number {
    return this.c.number;
  }
  get value(): Value {
    return this.mergedTo ? this.mergedTo.value : this.own;
  }
  set value(v: Value | undefined) {
    if (this.mergedTo) {
      this.mergedTo.value = v;
      return;
    }
    if (v !== null && v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new TypeError(`xlsx: cell ${this.address}: only text, numbers and booleans are written`);
    }
    this.own = v ?? null;
  }
  get numFmt(): string | undefined {
    return this.style.numFmt;
  }
  set numFmt(v: string | undefined) {
    this.style.numFmt = v;
  }
  get font(): Font | undefined {
    return this.style.font;
  }
  set font(v: Font | undefined) {
    this.style.font = v;
  }
  get alignment(): Alignment | undefined {
    return this.style.alignment;
  }
  set alignment(v: Alignment | undefined) {
    this.style.alignment = v;
  }
  get border(): Border | undefined {
    return this.style.border;
  }
  set border(v: Border | undefined) {
    this.style.border = v;
  }
  get fill(): Fill | undefined {
    return this.style.fill;
  }
  set fill(v: Fill | undefined) {
    this.style.fill = v;
  }
  get isMerged(): boolean {
    return this.mergeRefs > 0 || this.mergedTo !== null;
  }
  get master(): LiteCell {
    return this.mergedTo ?? this;
  }
  /** merged into another cell, or holding a value (exceljs: not of type Null) */
  get present(): boolean {
    return this.mergedTo !== null || this.own !== null;
  }
  /** the master, if this cell is merged into one */
  get mergeMaster(): LiteCell | null {
    return this.mergedTo;
  }
  /** the cell's own value (a merged cell has none) */
  get ownValue(): Value {
    return this.mergedTo ? null : this.own;
  }

  mergeInto(master: LiteCell): void {
    this.own = null;
    this.mergedTo = master;
    master.mergeRefs++;
    // the very object: what is set on one is set on all (as in exceljs)
    this.style = master.style;
  }
}

function inherit(row: Style, col: Style): Style {
  const s: Style = {};
  const numFmt = row.numFmt || col.numFmt;
  if (numFmt) s.numFmt = numFmt;
  const font = row.font || col.font;
  if (font) s.font = font;
  const alignment = row.alignment || col.alignment;
  if (alignment) s.alignment = alignment;
  const border = row.border || col.border;
  if (border) s.border = border;
  const fill = row.fill || col.fill;
  if (fill) s.fill = fill;
  return s;
}

export class LiteRow {
  height: number | undefined;
  readonly style: Style = {};
  /** cells by column − 1 */
  readonly cells: (LiteCell | undefined)[] = [];
  constructor(private readonly ws: LiteSheet, readonly number: number) {}

  getCell(c: number): LiteCell {
    let cell = this.cells[c - 1];
    if (!cell) {
      cell = new LiteCell(this, this.ws.getColumn(c), `${columnLetter(c)}${this.number}`);
      this.cells[c - 1] = cell;
    }
    return cell;
  }

  /** The cells with a value or in a merge, with their column numbers. */
  eachCell(fn: (cell: LiteCell, col: number) => void): void {
    this.cells.forEach((cell, i) => {
      if (cell?.present) fn(cell, i + 1);
    });
  }

  get hasValues(): boolean {
    return this.cells.some((c) => c?.present);
  }
}

export class LiteColumn {
  width: number | undefined;
  readonly style: Style = {};
  constructor(private readonly ws: LiteSheet, readonly number: number) {}

  get numFmt(): string | undefined {
    return this.style.numFmt;
  }
  /** The column's format, and every cell's of the rows that have values (exceljs: Column._applyStyle). */
  set numFmt(v: string | undefined) {
    this.style.numFmt = v;
    this.ws.eachRow((row) => (row.getCell(this.number).numFmt = v));
  }
}

interface DataBarRule {
  type: 'dataBar';
  priority?: number;
  gradient?: boolean;
  cfvo: { type: string; value?: number }[];
  color: Color;
}
interface ConditionalFormatting {
  ref: string;
  rules: DataBarRule[];
}

export interface PageSetup {
  paperSize?: number;
  orientation?: string;
  horizontalDpi?: number;
  verticalDpi?: number;
  fitToPage?: boolean;
  scale?: number;
  fitToWidth?: number;
  fitToHeight?: number;
  horizontalCentered?: boolean;
  margins?: { left: number; right: number; top: number; bottom: number; header: number; footer: number };
  printArea?: string;
  printTitlesRow?: string;
  printTitlesColumn?: string;
  [k: string]: unknown;
}

export interface View {
  state?: string;
  xSplit?: number;
  ySplit?: number;
  topLeftCell?: string;
  activeCell?: string;
}

export class LiteSheet {
  views: View[] = [];
  /** exceljs's defaults (those a file shows) */
  pageSetup: PageSetup = {
    margins: { left: 0.7, right: 0.7, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 },
    orientation: 'portrait', horizontalDpi: 4294967295, verticalDpi: 4294967295, fitToPage: false,
    scale: 100, fitToWidth: 1, fitToHeight: 1, horizontalCentered: false,
  };
  headerFooter: { oddFooter?: string; oddHeader?: string } = {};
  readonly conditionalFormattings: ConditionalFormatting[] = [];
  private readonly rows: (LiteRow | undefined)[] = [];
  private readonly columns: LiteColumn[] = [];
  /** the merges in the order made: master address → range */
  private readonly mergeRanges = new Map<string, string>();

  constructor(readonly id: number, readonly name: string) {}

  getRow(r: number): LiteRow {
    let row = this.rows[r - 1];
    if (!row) this.rows[r - 1] = row = new LiteRow(this, r);
    return row;
  }
  /** A cell by row and column, or by its address ('AP1') */
  getCell(r: number | string, c?: number): LiteCell {
    if (typeof r === 'string') {
      const m = /^([A-Z]+)(\d+)$/.exec(r);
      if (!m) throw new Error(`xlsx: ${r} is not a cell address`);
      let col = 0;
      for (const ch of m[1]!) col = col * 26 + ch.charCodeAt(0) - 64;
      return this.getRow(Number(m[2])).getCell(col);
    }
    return this.getRow(r).getCell(c!);
  }
  getColumn(c: number): LiteColumn {
    for (let n = this.columns.length + 1; n <= c; n++) this.columns.push(new LiteColumn(this, n));
    return this.columns[c - 1]!;
  }
  /** The rows that have values, in order. */
  eachRow(fn: (row: LiteRow, r: number) => void): void {
    this.rows.forEach((row) => {
      if (row?.hasValues) fn(row, row.number);
    });
  }

  mergeCells(top: number, left: number, bottom: number, right: number): void {
    for (let i = top; i <= bottom; i++) {
      for (let j = left; j <= right; j++) {
        if (this.rows[i - 1]?.cells[j - 1]?.isMerged) throw new Error(`xlsx: cannot merge ${columnLetter(j)}${i} twice`);
      }
    }
    const master = this.getCell(top, left);
    for (let i = top; i <= bottom; i++) {
      for (let j = left; j <= right; j++) if (i > top || j > left) this.getCell(i, j).mergeInto(master);
    }
    this.mergeRanges.set(master.address, `${master.address}:${columnLetter(right)}${bottom}`);
  }

  /** The merges (as exceljs's worksheet.model.merges lists them). */
  get model(): { merges: string[] } {
    return { merges: [...this.mergeRanges.values()] };
  }

  addConditionalFormatting(cf: ConditionalFormatting): void {
    for (const r of cf.rules) if (r.type !== 'dataBar') throw new Error(`xlsx: conditional format ${String(r.type)} is not written`);
    this.conditionalFormattings.push(cf);
  }

  /** @internal for the writer */
  get rowList(): readonly (LiteRow | undefined)[] {
    return this.rows;
  }
  /** @internal for the writer */
  get columnList(): readonly LiteColumn[] {
    return this.columns;
  }
  /** @internal the range of a merge by its master's address */
  mergeRange(master: string): string {
    return this.mergeRanges.get(master)!;
  }
}

export class LiteWorkbook {
  creator = '';
  lastModifiedBy: string | undefined;
  created = new Date();
  modified = new Date();
  private readonly sheets: LiteSheet[] = [];

  addWorksheet(name: string): LiteSheet {
    if (!name || /[*?:/\\[\]]/.test(name) || /(^')|('$)/.test(name)) throw new Error(`xlsx: a sheet cannot be named ${name}`);
    const n = name.length > 31 ? name.slice(0, 31) : name;
    if (this.sheets.some((s) => s.name.toLowerCase() === n.toLowerCase())) throw new Error(`xlsx: two sheets named ${n}`);
    const ws = new LiteSheet(this.sheets.length + 1, n);
    this.sheets.push(ws);
    return ws;
  }

  get worksheets(): readonly LiteSheet[] {
    return this.sheets;
  }

  eachSheet(fn: (ws: LiteSheet, id: number) => void): void {
    this.sheets.forEach((ws) => fn(ws, ws.id));
  }

  /** The .xlsx file. */
  bytes(): Buffer {
    return writePackage(this);
  }
}

// ---------------------------------------------------------------------------------------------
// XML, as exceljs writes it

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const ESCAPES: Record<string, string> = { '"': '&quot;', '&': '&amp;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };
/** exceljs's xmlEncode: the five entities escaped, control characters other than tab, LF, CR dropped */
function esc(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/.test(text)
    // eslint-disable-next-line no-control-regex
    ? text.replace(/[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/g, (ch) => ESCAPES[ch] ?? '')
    : text;
}

/** ` name="value"` for each defined value, in order */
function attrs(pairs: [string, unknown][]): string {
  let s = '';
  for (const [k, v] of pairs) if (v !== undefined) s += ` ${k}="${esc(String(v))}"`;
  return s;
}

/** Format codes with built-in ids (ECMA-376 18.8.30; exceljs's defaultnumformats). */
const BUILTIN_FORMATS: Record<string, number> = {
  General: 0, '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10, '0.00E+00': 11, '# ?/?': 12, '# ??/??': 13,
  'mm-dd-yy': 14, 'd-mmm-yy': 15, 'd-mmm': 16, 'mmm-yy': 17, 'h:mm AM/PM': 18, 'h:mm:ss AM/PM': 19, 'h:mm': 20, 'h:mm:ss': 21,
  'm/d/yy "h":mm': 22, '#,##0 ;(#,##0)': 37, '#,##0 ;[Red](#,##0)': 38, '#,##0.00 ;(#,##0.00)': 39, '#,##0.00 ;[Red](#,##0.00)': 40,
  'mm:ss': 45, '[h]:mm:ss': 46, 'mmss.0': 47, '##0.0E+0': 48, '@': 49,
};

const colorXml = (tag: string, c: Color | undefined): string => {
  if (!c) return '';
  if (c.argb) return `<${tag} rgb="${esc(c.argb)}"/>`;
  if (c.theme !== undefined) return `<${tag} theme="${c.theme}"/>`;
  return `<${tag}/>`;
};

function fontXml(f: Font): string {
  return '<font>' + (f.bold ? '<b/>' : '') + (f.italic ? '<i/>' : '') + colorXml('color', f.color)
    + (f.family || f.family === 0 ? `<family val="${f.family}"/>` : '') + (f.scheme !== undefined ? `<scheme val="${esc(f.scheme)}"/>` : '')
    + (f.size || f.size === 0 ? `<sz val="${f.size}"/>` : '') + (f.name !== undefined ? `<name val="${esc(f.name)}"/>` : '') + '</font>';
}

const edgeXml = (tag: string, e: Edge | undefined): string => (e?.style ? `<${tag} style="${esc(e.style)}"/>` : `<${tag}/>`);
const borderXml = (b: Border): string =>
  `<border>${edgeXml('left', b.left)}${edgeXml('right', b.right)}${edgeXml('top', b.top)}${edgeXml('bottom', b.bottom)}<diagonal/></border>`;

function fillXml(f: Fill): string {
  if (f.type !== 'pattern') throw new Error(`xlsx: fill ${f.type} is not written`);
  return `<fill><patternFill patternType="${esc(f.pattern ?? 'none')}"${f.fgColor ? `>${colorXml('fgColor', f.fgColor)}</patternFill>` : '/>'}</fill>`;
}

const HORIZONTAL = new Set(['left', 'center', 'right', 'fill', 'justify', 'centerContinuous', 'distributed']);
const VERTICAL = new Set(['top', 'middle', 'bottom', 'justify', 'distributed']);
function alignmentXml(a: Alignment): string {
  const h = a.horizontal && HORIZONTAL.has(a.horizontal) ? a.horizontal : undefined;
  const v = a.vertical && VERTICAL.has(a.vertical) ? (a.vertical === 'middle' ? 'center' : a.vertical) : undefined;
  const s = attrs([['horizontal', h], ['vertical', v], ['wrapText', a.wrapText ? '1' : undefined]]);
  return s ? `<alignment${s}/>` : '';
}

interface Xf {
  numFmtId?: number;
  fontId?: number;
  fillId?: number;
  borderId?: number;
  alignment?: Alignment;
}

function xfXml(x: Xf): string {
  const open = `<xf numFmtId="${x.numFmtId || 0}" fontId="${x.fontId || 0}" fillId="${x.fillId || 0}" borderId="${x.borderId || 0}" xfId="0"`
    + (x.numFmtId ? ' applyNumberFormat="1"' : '') + (x.fontId ? ' applyFont="1"' : '') + (x.fillId ? ' applyFill="1"' : '')
    + (x.borderId ? ' applyBorder="1"' : '') + (x.alignment ? ' applyAlignment="1"' : '');
  const inner = x.alignment ? alignmentXml(x.alignment) : '';
  return inner ? `${open}>${inner}</xf>` : `${open}/>`;
}

/** The style table, numbered as exceljs numbers it: by first use, each part by its XML. */
class Styles {
  private readonly numFmts: string[] = [];
  private readonly numFmtIds = new Map<string, number>();
  private readonly fonts: string[] = [];
  private readonly fills: string[] = [];
  private readonly borders: string[] = [];
  private readonly xfs: string[] = [];
  private readonly ids = new Map<string[], Map<string, number>>();
  private readonly byParts = new Map<string, number>();
  private readonly objects = new Map<object, number>();

  constructor() {
    this.part(this.borders, borderXml({}));
    this.part(this.xfs, xfXml({ numFmtId: 0, fontId: 0, fillId: 0, borderId: 0 }));
    this.part(this.fills, fillXml({ type: 'pattern', pattern: 'none' }));
    this.part(this.fills, fillXml({ type: 'pattern', pattern: 'gray125' }));
  }

  /** The number of a part (a font, fill, border or cell format) in its list by its XML, added when new. */
  private part(list: string[], xml: string): number {
    let ids = this.ids.get(list);
    if (!ids) this.ids.set(list, (ids = new Map()));
    let id = ids.get(xml);
    if (id === undefined) {
      ids.set(xml, (id = list.length));
      list.push(xml);
    }
    return id;
  }

  private numFmt(code: string): number {
    const builtin = BUILTIN_FORMATS[code];
    if (builtin !== undefined) return builtin;
    let id = this.numFmtIds.get(code);
    if (id === undefined) {
      this.numFmtIds.set(code, (id = 164 + this.numFmts.length));
      this.numFmts.push(`<numFmt numFmtId="${id}" formatCode="${esc(code)}"/>`);
    }
    return id;
  }

  /** The style id of a cell's (or a column's) style; `number`: a number cell (or a column), which exceljs gives the General format. */
  id(style: Style, number: boolean): number {
    if (!this.fonts.length) this.part(this.fonts, fontXml({ size: 11, color: { theme: 1 }, name: 'Calibri', family: 2, scheme: 'minor' }));
    // keyed by its parts' identities (the writers share them: xlsx.ts fontOf, alignmentOf): a
    // string and four look-ups a cell; parts alike but not the same object are told apart by
    // their XML, which gives them the same id
    const key = `${style.numFmt ?? ''}\u0000${this.oid(style.font)},${this.oid(style.alignment)},${this.oid(style.border)},${this.oid(style.fill)}`;
    let id = this.byParts.get(key);
    if (id === undefined) this.byParts.set(key, (id = this.render(style, number)));
    return id;
  }

  private oid(o: object | undefined): number {
    if (!o) return 0;
    let id = this.objects.get(o);
    if (id === undefined) this.objects.set(o, (id = this.objects.size + 1));
    return id;
  }

  /** A style's id by its XML (the General format for a number cell's or a column's style: the same XML as none) */
  private render(style: Style, number: boolean): number {
    const x: Xf = {};
    if (style.numFmt) x.numFmtId = this.numFmt(style.numFmt);
    else if (number) x.numFmtId = 0;
    if (style.font) x.fontId = this.part(this.fonts, fontXml(style.font));
    if (style.border) x.borderId = this.part(this.borders, borderXml(style.border));
    if (style.fill) x.fillId = this.part(this.fills, fillXml(style.fill));
    if (style.alignment) x.alignment = style.alignment;
    return this.part(this.xfs, xfXml(x));
  }

  xml(): string {
    if (!this.fonts.length) this.part(this.fonts, fontXml({ size: 11, color: { theme: 1 }, name: 'Calibri', family: 2, scheme: 'minor' }));
    return XML_HEAD
      + `<styleSheet xmlns="${NS_MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">`
      + (this.numFmts.length ? `<numFmts count="${this.numFmts.length}">${this.numFmts.join('')}</numFmts>` : '')
      + `<fonts count="${this.fonts.length}" x14ac:knownFonts="1">${this.fonts.join('')}</fonts>`
      + `<fills count="${this.fills.length}">${this.fills.join('')}</fills>`
      + `<borders count="${this.borders.length}">${this.borders.join('')}</borders>`
      + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
      + `<cellXfs count="${this.xfs.length}">${this.xfs.join('')}</cellXfs>`
      + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
      + '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
      + '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext>'
      + '<ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst>'
      + '</styleSheet>';
  }
}

/** Shared strings, numbered by first use. */
class Strings {
  private readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  private count = 0;
  add(s: string): number {
    this.count++;
    let id = this.ids.get(s);
    if (id === undefined) {
      this.ids.set(s, (id = this.list.length));
      this.list.push(s);
    }
    return id;
  }
  xml(): string {
    let body = '';
    for (const s of this.list) body += /^\s|\n|\s$/.test(s) ? `<si><t xml:space="preserve">${esc(s)}</t></si>` : `<si><t>${esc(s)}</t></si>`;
    return `${XML_HEAD}<sst xmlns="${NS_MAIN}" count="${this.count}" uniqueCount="${this.list.length}">${body}</sst>`;
  }
}

const sameStyle = (a: Style, b: Style): boolean => JSON.stringify(a) === JSON.stringify(b);
const isDefaultColumn = (c: LiteColumn): boolean =>
  (c.width === undefined || c.width === 9) && !(c.style.font || c.style.numFmt || c.style.alignment || c.style.border || c.style.fill);

/** An id for a data bar's extension, from its place (exceljs draws one at random). */
const dataBarId = (sheet: number, k: number): string =>
  `{5B9BD5${String(sheet).padStart(2, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}}`;

function sheetXml(ws: LiteSheet, styles: Styles, strings: Strings): string {
  const ps = ws.pageSetup;
  // columns: runs of alike columns that are not the default
  const cols: string[] = [];
  // (a run's width is 9 where its first column has none, and only a column of that very width joins it)
  let run: { min: number; max: number; width: number; style: Style } | null = null;
  const flush = () => {
    if (!run) return;
    const styleId = styles.id(run.style, true);
    cols.push(`<col min="${run.min}" max="${run.max}" width="${run.width}"${styleId ? ` style="${styleId}"` : ''} customWidth="1"/>`);
    run = null;
  };
  for (const c of ws.columnList) {
    if (isDefaultColumn(c)) {
      flush();
    } else if (run && run.width === c.width && sameStyle(run.style, c.style)) {
      run.max = c.number;
    } else {
      flush();
      run = { min: c.number, max: c.number, width: c.width ?? 9, style: c.style };
    }
  }
  flush();

  // rows: the cells' styles and strings numbered in order; merges listed as their cells are met
  const merges = new Map<string, string>();
  let top = 0, left = 0, bottom = 0, right = 0;
  const rows: string[] = [];
  for (const row of ws.rowList) {
    if (!row) continue;
    let min = 0;
    let max = 0;
    let cells = '';
    row.cells.forEach((cell, i) => {
      if (!cell) return;
      const c = i + 1;
      if (!min || min > c) min = c;
      if (max < c) max = c;
      const v = cell.ownValue;
      const master = cell.mergeMaster;
      const styleId = styles.id(cell.style, typeof v === 'number');
      if (master) {
        if (!merges.has(master.address)) merges.set(master.address, ws.mergeRange(master.address));
        cells += `<c r="${cell.address}"${styleId ? ` s="${styleId}"` : ''}/>`;
        return;
      }
      if (v === null) {
        if (styleId) cells += `<c r="${cell.address}" s="${styleId}"/>`;
        return;
      }
      const s = styleId ? ` s="${styleId}"` : '';
      if (typeof v === 'string') cells += `<c r="${cell.address}"${s} t="s"><v>${strings.add(v)}</v></c>`;
      else if (typeof v === 'number') cells += `<c r="${cell.address}"${s}><v>${esc(String(v))}</v></c>`;
      else cells += `<c r="${cell.address}"${s} t="b"><v>${v ? '1' : '0'}</v></c>`;
    });
    if (!row.height && !min) continue;
    // the dimension as exceljs takes it: over every row written, from its first to its last
    // cell, empty ones too (a row with a height and no cell counts as column 0)
    if (!top || row.number < top) top = row.number;
    if (!left || min < left) left = min;
    if (!bottom || row.number > bottom) bottom = row.number;
    if (!right || max > right) right = max;
    const head = `<row r="${row.number}"${row.height ? ` ht="${row.height}" customHeight="1"` : ''}${min > 0 && max > 0 ? ` spans="${min}:${max}"` : ''} x14ac:dyDescent="0.25"`;
    rows.push(cells ? `${head}>${cells}</row>` : `${head}/>`);
  }

  const out: string[] = [
    XML_HEAD,
    `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">`,
  ];
  if (ps.fitToPage) out.push('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>');
  out.push(`<dimension ref="${top ? `${columnLetter(left)}${top}:${columnLetter(right)}${bottom}` : 'A1'}"/>`);
  if (ws.views.length) out.push(`<sheetViews>${ws.views.map(viewXml).join('')}</sheetViews>`);
  out.push('<sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" x14ac:dyDescent="55"/>');
  if (cols.length) out.push(`<cols>${cols.join('')}</cols>`);
  out.push(rows.length ? `<sheetData>${rows.join('')}</sheetData>` : '<sheetData/>');
  if (merges.size) out.push(`<mergeCells count="${merges.size}">${[...merges.values()].map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`);
  const bars: { id: string; ref: string; rule: DataBarRule }[] = [];
  for (const cf of ws.conditionalFormattings) {
    out.push(`<conditionalFormatting sqref="${esc(cf.ref)}">`);
    for (const rule of cf.rules) {
      const id = dataBarId(ws.id, bars.length + 1);
      bars.push({ id, ref: cf.ref, rule });
      out.push(`<cfRule type="dataBar" priority="${rule.priority ?? 1}"><dataBar>${rule.cfvo.map((v) => `<cfvo${attrs([['type', v.type], ['val', v.value]])}/>`).join('')}${colorXml('color', rule.color)}</dataBar>`
        + '<extLst><ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        + `<x14:id>${id}</x14:id></ext></extLst></cfRule>`);
    }
    out.push('</conditionalFormatting>');
  }
  const po = attrs([['horizontalCentered', ps.horizontalCentered ? '1' : undefined]]);
  if (po) out.push(`<printOptions${po}/>`);
  if (ps.margins) out.push(`<pageMargins${attrs(Object.entries(ps.margins))}/>`);
  out.push(`<pageSetup${attrs([['paperSize', ps.paperSize], ['orientation', ps.orientation], ['horizontalDpi', ps.horizontalDpi], ['verticalDpi', ps.verticalDpi],
    ['scale', ps.scale], ['fitToWidth', ps.fitToWidth], ['fitToHeight', ps.fitToHeight]])}/>`);
  const hf = ws.headerFooter;
  if (hf.oddHeader || hf.oddFooter) {
    out.push(`<headerFooter>${hf.oddHeader ? `<oddHeader>${esc(hf.oddHeader)}</oddHeader>` : ''}${hf.oddFooter ? `<oddFooter>${esc(hf.oddFooter)}</oddFooter>` : ''}</headerFooter>`);
  }
  if (bars.length) {
    out.push('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>');
    for (const b of bars) {
      const cfvo = b.rule.cfvo.map((v) => (v.value !== undefined ? `<x14:cfvo type="${esc(v.type)}"><xm:f>${v.value}</xm:f></x14:cfvo>` : `<x14:cfvo type="${esc(v.type)}"/>`)).join('');
      out.push(`<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="dataBar" id="${b.id}">`
        + `<x14:dataBar minLength="0" maxLength="100" gradient="${b.rule.gradient === false ? '0' : '1'}">${cfvo}</x14:dataBar></x14:cfRule><xm:sqref>${esc(b.ref)}</xm:sqref></x14:conditionalFormatting>`);
    }
    out.push('</x14:conditionalFormattings></ext></extLst>');
  }
  out.push('</worksheet>');
  return out.join('');
}

function viewXml(v: View): string {
  if (v.state !== 'frozen') return '<sheetView workbookViewId="0"/>';
  const x = v.xSplit || 0;
  const y = v.ySplit || 0;
  const topLeft = v.topLeftCell || `${columnLetter(x + 1)}${y + 1}`;
  const pane = (v.xSplit && v.ySplit && 'bottomRight') || (v.xSplit && 'topRight') || 'bottomLeft';
  return `<sheetView workbookViewId="0"><pane${attrs([['xSplit', v.xSplit || undefined], ['ySplit', v.ySplit || undefined], ['topLeftCell', topLeft], ['activePane', pane], ['state', 'frozen']])}/>`
    + `<selection${attrs([['pane', pane], ['activeCell', v.activeCell], ['sqref', v.activeCell]])}/></sheetView>`;
}

function workbookXml(sheets: readonly LiteSheet[]): string {
  const names: string[] = [];
  sheets.forEach((ws, i) => {
    const ps = ws.pageSetup;
    const q = `'${ws.name}'!`;
    if (ps.printArea) {
      for (const area of ps.printArea.split('&&')) {
        const [a, b] = area.split(':');
        names.push(`<definedName name="_xlnm.Print_Area" localSheetId="${i}">${esc(`${q}$${a}:$${b}`)}</definedName>`);
      }
    }
    if (ps.printTitlesRow || ps.printTitlesColumn) {
      const ranges: string[] = [];
      if (ps.printTitlesColumn) {
        const [a, b] = ps.printTitlesColumn.split(':');
        ranges.push(`${q}$${a}:$${b}`);
      }
      if (ps.printTitlesRow) {
        const [a, b] = ps.printTitlesRow.split(':');
        ranges.push(`${q}$${a}:$${b}`);
      }
      names.push(`<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${esc(ranges.join(','))}</definedName>`);
    }
  });
  return XML_HEAD
    + `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">`
    + '<fileVersion appName="xl" lastEdited="5" lowestEdited="5" rupBuild="9303"/><workbookPr defaultThemeVersion="164011" filterPrivacy="1"/>'
    + `<sheets>${sheets.map((ws, i) => `<sheet sheetId="${ws.id}" name="${esc(ws.name)}" state="visible" r:id="rId${i + 4}"/>`).join('')}</sheets>`
    + (names.length ? `<definedNames>${names.join('')}</definedNames>` : '')
    + '<calcPr calcId="171027"/></workbook>';
}

const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const contentTypesXml = (n: number): string =>
  XML_HEAD
  + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
  + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
  + Array.from({ length: n }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${SHEET_TYPE}"/>`).join('')
  + '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
  + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
  + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
  + '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
  + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
  + '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>';

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const ROOT_RELS = XML_HEAD
  + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>`
  + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
  + `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const workbookRelsXml = (n: number): string =>
  XML_HEAD
  + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/>`
  + `<Relationship Id="rId2" Type="${REL}/theme" Target="theme/theme1.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`
  + Array.from({ length: n }, (_, i) => `<Relationship Id="rId${i + 4}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
  + '</Relationships>';

const appXml = (sheets: readonly LiteSheet[]): string =>
  XML_HEAD
  + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
  + `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${sheets.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>`
  + `<TitlesOfParts><vt:vector size="${sheets.length}" baseType="lpstr">${sheets.map((s) => `<vt:lpstr>${esc(s.name)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>`
  + '<Company></Company><Manager></Manager><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>';

const w3cdtf = (d: Date): string => d.toISOString().replace(/\.\d{3}/, '');
const coreXml = (wb: LiteWorkbook): string =>
  XML_HEAD
  + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
  + `<dc:creator>${esc(wb.creator || 'Unknown')}</dc:creator><dc:title></dc:title><dc:subject></dc:subject><dc:description></dc:description><cp:keywords></cp:keywords><cp:category></cp:category>`
  + `<cp:lastModifiedBy>${esc(wb.lastModifiedBy || 'Unknown')}</cp:lastModifiedBy>`
  + `<dcterms:created xsi:type="dcterms:W3CDTF">${w3cdtf(wb.created)}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${w3cdtf(wb.modified)}</dcterms:modified></cp:coreProperties>`;

/** The Office theme exceljs writes (its own file, read as text: it loads nothing else). */
let theme: string | undefined;
const themeXml = (): string => (theme ??= createRequire(import.meta.url)('exceljs/lib/xlsx/xml/theme1.js') as string);

/** The parts of the package, in exceljs's order. */
export function packageParts(wb: LiteWorkbook): [string, string][] {
  const styles = new Styles();
  const strings = new Strings();
  const sheets = wb.worksheets;
  const sheetParts = sheets.map((ws, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, sheetXml(ws, styles, strings)]);
  return [
    ['[Content_Types].xml', contentTypesXml(sheets.length)],
    ['_rels/.rels', ROOT_RELS],
    ['xl/_rels/workbook.xml.rels', workbookRelsXml(sheets.length)],
    ...sheetParts,
    ['xl/sharedStrings.xml', strings.xml()],
    ['xl/theme/theme1.xml', themeXml()],
    ['xl/styles.xml', styles.xml()],
    ['docProps/app.xml', appXml(sheets)],
    ['docProps/core.xml', coreXml(wb)],
    ['xl/workbook.xml', workbookXml(sheets)],
  ];
}

// ---------------------------------------------------------------------------------------------
// the zip

/** MS-DOS time and date (local fields, as zip keeps them) of a moment, read in UTC: the same bytes everywhere. */
function dosDateTime(d: Date): [number, number] {
  const y = Math.max(1980, d.getUTCFullYear());
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const date = ((y - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return [time, date];
}

function writePackage(wb: LiteWorkbook): Buffer {
  const [time, date] = dosDateTime(wb.modified);
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of packageParts(wb)) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const fileName = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(fileName.length, 28);
    // extra, comment, disk, internal and external attributes: 0
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, fileName, packed);
    central.push(entry, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const n = central.length / 2;
  end.writeUInt16LE(n, 8);
  end.writeUInt16LE(n, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, dir, end]);
}
