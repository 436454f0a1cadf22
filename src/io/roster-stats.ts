/**
 * `sj roster stats`: what the rosters hold on a date, counted by region, class, tier and line;
 * certificates expiring or expired; regions that cannot staff one team. Reads only.
 */
import { ineligibility, tooFewForATeam } from '../core/eligibility.js';
import type { ObjClass } from '../core/types.js';
import { addDays } from '../core/workdays.js';
import type { DB } from './db.js';
import { Regions } from './regions.js';
import { readRoster } from './roster-read.js';
import { rulesForYear } from './rules-store.js';

/** How far ahead `sj roster stats` looks for expiring certificates. */
export const EXPIRY_DAYS = 90;

export interface RosterStats {
  date: string;
  objects: {
    total: number;
    byRegion: Record<string, Record<ObjClass | 'total', number>>;
    byClass: Record<ObjClass, number>;
    byTier: Record<string, number>;
    positive: number;
  };
  inspectors: {
    total: number;
    byRegion: Record<string, Record<string, number>>;
    eligibleByRegion: Record<string, number>;
  };
  expiring: { id: string; name: string; region: string; certExpiry: string }[];
  expired: { id: string; name: string; region: string; certExpiry: string }[];
  /** regions whose eligible inspectors cannot fill one team of the rules' size */
  fewEligible: { region: string; name: string; eligible: number }[];
  teamSize: number;
}

/** The counts on `date`; certificates expiring within `days` of it. */
export function rosterStats(db: DB, date: string, days = EXPIRY_DAYS): RosterStats {
  const regions = Regions.load(db);
  const objs = readRoster(db, 'objects');
  const insp = readRoster(db, 'inspectors');
  const zero = () => ({ special: 0, key: 0, positive: 0, general: 0, total: 0 });
  const byRegion: Record<string, Record<ObjClass | 'total', number>> = {};
  for (const r of regions.counties()) byRegion[r.code] = zero();
  const byClass = { special: 0, key: 0, positive: 0, general: 0 };
  const byTier: Record<string, number> = {};
  for (const o of objs) {
    const row = (byRegion[o.region] ??= zero());
    row[o.class]++;
    row.total++;
    byClass[o.class]++;
    const k = o.tier ?? 'unrated';
    byTier[k] = (byTier[k] ?? 0) + 1;
  }
  const inspByRegion: Record<string, Record<string, number>> = {};
  const eligible: Record<string, number> = {};
  for (const r of regions.all) {
    inspByRegion[r.code] = {};
    eligible[r.code] = 0;
  }
  const until = addDays(date, days);
  const expiring: RosterStats['expiring'] = [];
  const expired: RosterStats['expired'] = [];
  for (const i of insp) {
    const row = (inspByRegion[i.region] ??= {});
    row[i.line] = (row[i.line] ?? 0) + 1;
    if (ineligibility(i, date) === null) eligible[i.region] = (eligible[i.region] ?? 0) + 1;
    if (i.certified && i.status === 'active' && i.certExpiry !== '') {
      const e = { id: i.id, name: i.name, region: i.region, certExpiry: i.certExpiry };
      if (i.certExpiry < date) expired.push(e);
      else if (i.certExpiry <= until) expiring.push(e);
    }
  }
  const byDate = (a: { certExpiry: string; id: string }, b: { certExpiry: string; id: string }) => (a.certExpiry < b.certExpiry ? -1 : a.certExpiry > b.certExpiry ? 1 : a.id < b.id ? -1 : 1);
  expiring.sort(byDate);
  expired.sort(byDate);
  const teamSize = rulesForYear(db, Number(date.slice(0, 4))).rules.team.size;
  const few = new Set(tooFewForATeam(eligible, regions.all.map((r) => r.code), teamSize));
  const fewEligible = regions.all.filter((r) => few.has(r.code)).map((r) => ({ region: r.code, name: r.name, eligible: eligible[r.code] ?? 0 }));
  return {
    date,
    objects: { total: objs.length, byRegion, byClass, byTier, positive: byClass.positive },
    inspectors: { total: insp.length, byRegion: inspByRegion, eligibleByRegion: eligible },
    expiring,
    expired,
    fewEligible,
    teamSize,
  };
}
