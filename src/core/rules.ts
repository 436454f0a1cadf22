/**
 * The rules of a year (sj-rules/1): what a draw may use, validated. Pure: no I/O.
 * Every number is an integer (rates and shares in basis points, multipliers in percent):
 * floats are not allowed anywhere in a draw.
 */
import { canonical } from './canonical.js';
import { H } from './hash.js';
import { CLASSES, type DrawRules, type ObjClass } from './types.js';
import { t } from '../messages/index.js';

export const RULES_FORMAT = 'sj-rules/1';

export interface ExclusionRules {
  /** an object selected by another live draw this quarter may not be drawn again */
  sameQuarter: boolean;
  /** selections per calendar year after which an object is excluded; 0 = no cap */
  annualCap: number;
  /** objects producing in no month of the quarter are excluded */
  season: boolean;
}

export interface TargetRules {
  /** internal joint inspections, share of inspections (basis points), per region per year */
  jointInternalShare: number;
  /** inter-department joint draws per quarter, city and each county */
  jointDepartmentPerQuarter: number;
  /** inspections drawn with credit-risk tiers, share (basis points), per region per year */
  creditBasedShare: number;
  /** positive-list off-site coverage per county per quarter (basis points) */
  positiveCoverage: number;
  /**
   * which tasks the credit-based share is over: "sampled" (default: classes drawn by sampling,
   * rate below 10000 — the positive list's census uses no risk tier) or "all"
   */
  creditBasedScope?: CreditBasedScope;
}

export type CreditBasedScope = 'sampled' | 'all';
export const CREDIT_BASED_SCOPES: readonly CreditBasedScope[] = ['sampled', 'all'];
/** The scope in force: the rules' own, or "sampled". */
export const creditBasedScopeOf = (r: { targets?: Partial<TargetRules> }): CreditBasedScope => r.targets?.creditBasedScope ?? 'sampled';

export interface DeadlineRules {
  publicationWorkingDays: number;
  summaryWorkingDaysBeforeQuarterEnd: number;
  statisticsWorkingDaysAfterQuarterEnd: number;
}

export interface SjRules extends DrawRules {
  format: typeof RULES_FORMAT;
  name: string;
  year: number;
  exclusions: ExclusionRules;
  targets: TargetRules;
  deadlines: DeadlineRules;
  /** name of the working-day calendar (rules/calendar-<name>.json) */
  calendar: string;
}

export interface RulesValidation {
  /** set when there is no problem */
  rules?: SjRules;
  /** errors: each names its JSON path */
  problems: string[];
  /** not errors (unknown keys, which are kept but mean nothing to sj) */
  warnings: string[];
}

const TOP_KEYS = ['format', 'name', 'year', 'rates', 'tiers', 'tiered', 'team', 'method', 'experts', 'exclusions', 'targets', 'deadlines', 'calendar'] as const;
const LEVELS = ['city', 'county'] as const;
export const TIER_CODE_RE = /^[A-Za-z0-9]+$/;
/** largest tier multiplier accepted (percent): keeps N * rate * pct far inside safe integers */
export const MAX_PCT = 100000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return '—';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + '…' : s;
}

/** Validate rules parsed from JSON. Every problem is reported, each naming its path. */
export function validateRules(x: unknown): RulesValidation {
  const problems: string[] = [];
  const warnings: string[] = [];
  const floatPaths = new Set<string>();
  const p = (key: string, path: string, params: Record<string, string | number> = {}): void => void problems.push(t(`rules.v.${key}`, { path, ...params }));

  // floats anywhere (known keys or not): a draw is integer arithmetic only
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) {
        floatPaths.add(path);
        p('float', path, { value: String(v) });
      }
    } else if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${path}[${i}]`));
    else if (isObj(v)) for (const [k, e] of Object.entries(v)) walk(e, path ? `${path}.${k}` : k);
  };

  if (!isObj(x)) {
    p('notObject', '$');
    return { problems, warnings };
  }
  walk(x, '');

  const int = (path: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (v === undefined) return p('missing', path);
    if (typeof v !== 'number') return p('notInteger', path, { value: describe(v) });
    if (floatPaths.has(path)) return; // already reported
    if (v < min || v > max) {
      if (max === Number.MAX_SAFE_INTEGER) p('min', path, { value: v, min });
      else p('range', path, { value: v, min, max });
    }
  };
  const bool = (path: string, v: unknown): void => {
    if (v === undefined) return p('missing', path);
    if (typeof v !== 'boolean') p('notBoolean', path, { value: describe(v) });
  };
  const str = (path: string, v: unknown): void => {
    if (v === undefined) return p('missing', path);
    if (typeof v !== 'string' || v.trim() === '') p('notString', path, { value: describe(v) });
  };
  const section = (path: string, v: unknown, known: readonly string[]): Record<string, unknown> | undefined => {
    if (v === undefined) {
      p('missingSection', path);
      return undefined;
    }
    if (!isObj(v)) {
      p('notSection', path, { value: describe(v) });
      return undefined;
    }
    for (const k of Object.keys(v)) if (!known.includes(k)) warnings.push(t('rules.v.unknownKey', { path: `${path}.${k}` }));
    return v;
  };

  for (const k of Object.keys(x)) if (!(TOP_KEYS as readonly string[]).includes(k)) warnings.push(t('rules.v.unknownKey', { path: k }));

  if (x.format === undefined) p('missing', 'format');
  else if (x.format !== RULES_FORMAT) p('format', 'format', { value: describe(x.format), format: RULES_FORMAT });
  str('name', x.name);
  int('year', x.year, 1900, 9999);
  str('calendar', x.calendar);

  // rates: level → class → basis points
  if (x.rates === undefined) p('missingSection', 'rates');
  else if (!isObj(x.rates)) p('notSection', 'rates', { value: describe(x.rates) });
  else {
    for (const lv of LEVELS) if (x.rates[lv] === undefined) p('missingSection', `rates.${lv}`);
    for (const [lv, byClass] of Object.entries(x.rates)) {
      const path = `rates.${lv}`;
      if (!(LEVELS as readonly string[]).includes(lv)) {
        p('unknownLevel', path, { value: lv });
        continue;
      }
      if (!isObj(byClass)) {
        p('notSection', path, { value: describe(byClass) });
        continue;
      }
      for (const [c, rate] of Object.entries(byClass)) {
        if (!(CLASSES as readonly string[]).includes(c)) p('unknownClass', `${path}.${c}`, { value: c });
        else int(`${path}.${c}`, rate, 0, 10000);
      }
    }
  }

  // tiers: risk order, lowest first
  if (x.tiers === undefined) p('missingSection', 'tiers');
  else if (!Array.isArray(x.tiers)) p('notArray', 'tiers', { value: describe(x.tiers) });
  else {
    const seen = new Map<string, number>();
    x.tiers.forEach((tier: unknown, i: number) => {
      const path = `tiers[${i}]`;
      if (!isObj(tier)) return p('notSection', path, { value: describe(tier) });
      for (const k of Object.keys(tier)) if (k !== 'code' && k !== 'pct') warnings.push(t('rules.v.unknownKey', { path: `${path}.${k}` }));
      if (tier.code === undefined) p('missing', `${path}.code`);
      else if (typeof tier.code !== 'string' || !TIER_CODE_RE.test(tier.code)) p('tierCode', `${path}.code`, { value: describe(tier.code) });
      else if (seen.has(tier.code)) p('tierDuplicate', `${path}.code`, { value: tier.code, first: `tiers[${seen.get(tier.code)}]` });
      else seen.set(tier.code, i);
      int(`${path}.pct`, tier.pct, 1, MAX_PCT);
    });
  }

  // tiered: classes drawn by credit tier
  if (x.tiered === undefined) p('missingSection', 'tiered');
  else if (!Array.isArray(x.tiered)) p('notArray', 'tiered', { value: describe(x.tiered) });
  else {
    const seen = new Set<string>();
    x.tiered.forEach((c: unknown, i: number) => {
      if (typeof c !== 'string' || !(CLASSES as readonly string[]).includes(c)) p('unknownClass', `tiered[${i}]`, { value: describe(c) });
      else if (seen.has(c)) p('duplicate', `tiered[${i}]`, { value: c });
      else seen.add(c);
    });
  }

  const team = section('team', x.team, ['size', 'matchSpecialty', 'crossRegionAtCity', 'maxTasksPerInspector']);
  if (team) {
    if (typeof team.size === 'number' && Number.isSafeInteger(team.size) && team.size < 2) p('teamSize', 'team.size', { value: team.size });
    else int('team.size', team.size, 2, 100);
    bool('team.matchSpecialty', team.matchSpecialty);
    bool('team.crossRegionAtCity', team.crossRegionAtCity);
    int('team.maxTasksPerInspector', team.maxTasksPerInspector, 0);
  }

  const method = section('method', x.method, ['preferOffsite']);
  if (method) bool('method.preferOffsite', method.preferOffsite);

  const experts = section('experts', x.experts, ['industries']);
  if (experts) {
    if (experts.industries === undefined) p('missing', 'experts.industries');
    else if (!Array.isArray(experts.industries)) p('notArray', 'experts.industries', { value: describe(experts.industries) });
    else experts.industries.forEach((s: unknown, i: number) => str(`experts.industries[${i}]`, s));
  }

  const ex = section('exclusions', x.exclusions, ['sameQuarter', 'annualCap', 'season']);
  if (ex) {
    bool('exclusions.sameQuarter', ex.sameQuarter);
    if (typeof ex.annualCap === 'number' && Number.isSafeInteger(ex.annualCap) && ex.annualCap < 0) p('annualCap', 'exclusions.annualCap', { value: ex.annualCap });
    else int('exclusions.annualCap', ex.annualCap, 0);
    bool('exclusions.season', ex.season);
  }

  const tg = section('targets', x.targets, ['jointInternalShare', 'jointDepartmentPerQuarter', 'creditBasedShare', 'positiveCoverage', 'creditBasedScope']);
  if (tg) {
    int('targets.jointInternalShare', tg.jointInternalShare, 0, 10000);
    int('targets.jointDepartmentPerQuarter', tg.jointDepartmentPerQuarter, 0);
    int('targets.creditBasedShare', tg.creditBasedShare, 0, 10000);
    int('targets.positiveCoverage', tg.positiveCoverage, 0, 10000);
    // optional: "sampled" when absent
    if (tg.creditBasedScope !== undefined && !(CREDIT_BASED_SCOPES as readonly unknown[]).includes(tg.creditBasedScope)) {
      p('oneOf', 'targets.creditBasedScope', { value: describe(tg.creditBasedScope), list: CREDIT_BASED_SCOPES.map((v) => `"${v}"`).join(' | ') });
    }
  }

  const dl = section('deadlines', x.deadlines, ['publicationWorkingDays', 'summaryWorkingDaysBeforeQuarterEnd', 'statisticsWorkingDaysAfterQuarterEnd']);
  if (dl) {
    int('deadlines.publicationWorkingDays', dl.publicationWorkingDays, 0, 366);
    int('deadlines.summaryWorkingDaysBeforeQuarterEnd', dl.summaryWorkingDaysBeforeQuarterEnd, 0, 66);
    int('deadlines.statisticsWorkingDaysAfterQuarterEnd', dl.statisticsWorkingDaysAfterQuarterEnd, 0, 66);
  }

  if (problems.length) return { problems, warnings };
  return { rules: x as unknown as SjRules, problems, warnings };
}

/** H(canonical(rules)): the identity of a version of the rules. */
export function rulesHash(r: unknown): string {
  return H(canonical(r));
}

/** The classes drawn at a level (rate > 0), in class order. */
export function drawnClasses(r: DrawRules, level: 'city' | 'county'): ObjClass[] {
  return CLASSES.filter((c) => (r.rates[level]?.[c] ?? 0) > 0);
}
