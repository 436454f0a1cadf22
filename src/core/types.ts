/** Types of the sj-draw/1 contract (../shared/spec/draw-v1.md) and the evidence file. */

export type Level = 'city' | 'county';
export type ObjClass = 'special' | 'key' | 'positive' | 'general';
export const CLASSES: readonly ObjClass[] = ['special', 'key', 'positive', 'general'];
export type Exclusion = null | 'same-quarter' | 'annual-cap' | 'season';
export const EXCLUSIONS: readonly Exclusion[] = [null, 'same-quarter', 'annual-cap', 'season'];
export type Method = 'onsite' | 'offsite';
export type DrawMethod = 'auto' | Method;

export interface TierRule {
  code: string;
  /** multiplier in percent, integer >= 1 */
  pct: number;
}

export interface TeamRules {
  size: number;
  matchSpecialty: boolean;
  crossRegionAtCity: boolean;
  maxTasksPerInspector: number;
}

/** The rules a draw uses (snapshot.rules). Other members may be present (targets, deadlines …). */
export interface DrawRules {
  rates: { city?: Partial<Record<ObjClass, number>>; county?: Partial<Record<ObjClass, number>> };
  tiers: TierRule[];
  tiered: ObjClass[];
  team: TeamRules;
  method: { preferOffsite: boolean };
  experts: { industries: string[] };
  [other: string]: unknown;
}

export interface SnapObject {
  id: string;
  name: string;
  region: string;
  class: ObjClass;
  tier: string | null;
  industry: string;
  offsite: boolean;
  excluded: Exclusion;
}

export interface SnapInspector {
  id: string;
  name: string;
  region: string;
  line: string;
  specialties: string[];
}

export interface SnapExpert {
  id: string;
  name: string;
  industries: string[];
}

export interface Snapshot {
  rules: DrawRules;
  objects: SnapObject[];
  inspectors: SnapInspector[];
  experts: SnapExpert[];
  avoidance: [string, string][];
}

export interface DrawFilter {
  industries: string[];
  tags: string[];
  regions: string[];
}

export interface DrawHeader {
  id: string;
  quarter: string;
  level: Level;
  regions: string[];
  kind: 'routine' | 'directional';
  filter: DrawFilter | null;
  method: DrawMethod;
  joint: 'none' | 'department';
  partners: string[];
  jointShare: number;
  withExperts: boolean;
  createdAt: string;
  entropy: string;
  entropySource: 'user' | 'generated';
  seed: string;
}

export interface Stratum {
  region: string;
  class: ObjClass;
  tier: string | null;
  population: number;
  quota: number;
  pool: number;
  selected: number;
}

export interface Task {
  objectId: string;
  region: string;
  class: ObjClass;
  tier: string | null;
  rank: number;
  key: string;
  method: Method;
  joint: boolean;
  inspectors: string[];
  expert: string | null;
}

export interface Evidence {
  format: 'sj-evidence/1';
  algorithm: 'sj-draw/1';
  draw: DrawHeader;
  snapshot: Snapshot;
  snapshotHash: string;
  strata: Stratum[];
  tasks: Task[];
  resultHash: string;
  ledger?: { seq: number; prevHash: string; hash: string };
}
