/**
 * Inspection results, pure: outcome normalisation, money (元 → integer fen, fen → "12,345.00"),
 * the 处理情况 text of the public list, the open/closed rule of follow-up, inspection methods.
 * No floating point for money: amounts are parsed as decimal strings.
 */

export const OUTCOMES = ['未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that found a problem: the result stays open until rectified. */
export const PROBLEM_OUTCOMES: ReadonlySet<string> = new Set(['发现问题', '责令整改', '立案处罚', '移送', '移送公安']);
/** Outcomes that go into the enterprise's credit record (信用记录). */
export const CREDIT_OUTCOMES: ReadonlySet<string> = new Set(['立案处罚', '移送', '移送公安']);

const squash = (s: string): string =>
  s.replace(/[\s\u3000\u00a0\ufeff]/gu, '').replace(/（/g, '(').replace(/）/g, ')');

const ALIASES: Record<string, Outcome> = {
  '未发现问题': '未发现问题', '无问题': '未发现问题', '未发现环境问题': '未发现问题', '正常': '未发现问题',
  '发现问题': '发现问题', '存在问题': '发现问题', '发现环境问题': '发现问题',
  '责令整改': '责令整改', '责令改正': '责令整改', '责令限期整改': '责令整改', '限期整改': '责令整改',
  '立案处罚': '立案处罚', '立案查处': '立案处罚', '行政处罚': '立案处罚', '立案': '立案处罚',
  '移送': '移送', '移交': '移送', '移送有关部门': '移送', '移交有关部门': '移送',
  '移送公安': '移送公安', '移送公安机关': '移送公安', '移送司法机关': '移送公安', '移送司法': '移送公安',
};

/** The outcome a cell names, or null. `无法检查(停产、关闭)`, `无法检查（停产）` … → 无法检查. */
export function normalizeOutcome(raw: string): Outcome | null {
  const s = squash(raw);
  if (s === '') return null;
  if (s in ALIASES) return ALIASES[s]!;
  if (/^无法(检查|核查)(\(.*\))?$/u.test(s)) return '无法检查';
  return null;
}

export const hasProblem = (outcome: string): boolean => PROBLEM_OUTCOMES.has(outcome);
export const goesToCredit = (outcome: string): boolean => CREDIT_OUTCOMES.has(outcome);

/** Open (needs follow-up): a problem was found and rectification is not complete. */
export function isOpen(r: { outcome: string; rectified: boolean }): boolean {
  return hasProblem(r.outcome) && !r.rectified;
}

// ---- money -------------------------------------------------------------------------------

export type FenResult = { fen: number } | { bad: 'negative' | 'malformed' | 'decimals' | 'too-large'; value: string };

const MONEY_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * An amount in 元 as integer fen. Text: digits, optional thousands separators (1,234.5),
 * at most two decimals; a trailing 元 and a leading ¥/￥ are allowed. Empty → 0.
 * Rejected: negatives, exponents (1e3), more than two decimals, anything else.
 * A number cell is read through its shortest decimal text (what was typed); a formula's
 * binary noise (1100.0000000000002) is taken as the 2-decimal value it stands for.
 */
export function parseFen(v: string | number | null | undefined): FenResult {
  if (v === null || v === undefined) return { fen: 0 };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { bad: 'malformed', value: String(v) };
    if (v < 0) return { bad: 'negative', value: String(v) };
    const direct = parseFen(plainNumber(v));
    if ('fen' in direct || direct.bad !== 'decimals') return direct;
    const fixed = v.toFixed(2);
    if (Math.abs(Number(fixed) - v) <= 1e-9 * Math.max(1, Math.abs(v))) return parseFen(fixed);
    return direct;
  }
  const raw = v;
  let s = v.replace(/[\s\u3000]/gu, '').replace(/，/g, ',').replace(/．/g, '.');
  if (s === '') return { fen: 0 };
  s = s.replace(/^[¥￥]/u, '').replace(/元$/u, '');
  if (/^[-−－]/u.test(s)) return { bad: 'negative', value: raw.trim() };
  const m = MONEY_RE.exec(s);
  if (!m) {
    if (/^(\d{1,3}(?:,\d{3})+|\d+)\.\d{3,}$/.test(s)) return { bad: 'decimals', value: raw.trim() };
    return { bad: 'malformed', value: raw.trim() };
  }
  const yuan = BigInt(m[1]!.replace(/,/g, ''));
  const frac = BigInt((m[2] ?? '').padEnd(2, '0'));
  const fen = yuan * 100n + frac;
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { bad: 'too-large', value: raw.trim() };
  return { fen: Number(fen) };
}

/** A number as the decimal a person typed (no exponent for ordinary magnitudes). */
function plainNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  if (Math.abs(n) >= 1 && Number.isSafeInteger(n)) return BigInt(n).toString();
  return s; // 1e-7 or 1e+21: rejected as malformed
}

/** Integer fen as 元 with thousands separators and two decimals: 1234500 → "12,345.00". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer number of fen: ${fen}`);
  const neg = fen < 0;
  const a = BigInt(Math.abs(fen));
  const yuan = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (a % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

// ---- methods -----------------------------------------------------------------------------

export type ResultMethod = 'onsite' | 'offsite';

/** 检查方式 of a results file: 现场(检查) → onsite; 非现场 / 科技 / 书面 / 远程 / 在线监控 / 其他 → offsite. */
export function normalizeMethod(raw: string): ResultMethod | '' | null {
  const s = squash(raw).toLowerCase();
  if (s === '') return '';
  if (s === 'onsite' || s === '现场' || s === '现场检查' || s === '现场执法检查') return 'onsite';
  if (s === 'offsite' || /^(非现场|科技|书面|远程|在线监控|其他|其它)(检查|监管|方式)?$/u.test(s)) return 'offsite';
  return null;
}

// ---- the public list ---------------------------------------------------------------------

/** 处理情况: what was done about the result, for the public list. */
export function disposition(r: { outcome: string; fineFen: number; rectified: boolean }): string {
  const fine = r.fineFen > 0 ? `，罚款 ${formatFen(r.fineFen)} 元` : '';
  const done = r.rectified ? '，已整改完成' : '';
  switch (r.outcome) {
    case '未发现问题':
      return '未发现问题，无需处理';
    case '发现问题':
      return `督促整改${fine}${r.rectified ? '，已整改完成' : '，整改中'}`;
    case '责令整改':
      return `责令整改${fine}${done}`;
    case '立案处罚':
      return `立案处罚${fine}${done}`;
    case '移送':
      return `移送有关部门处理${fine}${done}`;
    case '移送公安':
      return `移送公安机关${fine}${done}`;
    case '无法检查':
      return '无法检查（停产、关闭等）';
    default:
      return r.outcome;
  }
}
