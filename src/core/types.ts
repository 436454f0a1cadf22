/**
 * Types of the draw contracts — sj-draw/2 (../shared/spec/draw-v2.md, new draws) and sj-draw/1
 * (draw-v1.md, draws already made) — and their evidence files.
 */

import type { DrawCommitment } from './commitment.js';

export type Level = 'city' | 'county';
export type ObjClass = 'special' | 'key' | 'positive' | 'general';
export const CLASSES: readonly ObjClass[] = ['special', 'key', 'positive', 'general'];
/** The algorithms sj can recompute; new draws use CURRENT_ALGORITHM. */
export type Algorithm = 'sj-draw/1' | 'sj-draw/2';
export type EvidenceFormat = 'sj-evidence/1' | 'sj-evidence/2';
export const CURRENT_ALGORITHM: Algorithm = 'sj-draw/2';
export const ALGORITHMS: readonly Algorithm[] = ['sj-draw/1', 'sj-draw/2'];
export const evidenceFormatOf = (a: Algorithm): EvidenceFormat => (a === 'sj-draw/1' ? 'sj-evidence/1' : 'sj-evidence/2');

/**
 * Why an object of the population may not be drawn. In precedence order (v2 §3):
 * same-quarter (credited in v2), drawn-by-county (v2, city level only: not credited),
 * annual-cap, season. sj-draw/1 knows all but drawn-by-county.
 */
export type Exclusion = null | 'same-quarter' | 'drawn-by-county' | 'annual-cap' | 'season';
export const EXCLUSIONS_V1: readonly Exclusion[] = [null, 'same-quarter', 'annual-cap', 'season'];
export const EXCLUSIONS_V2: readonly Exclusion[] = [null, 'same-quarter', 'drawn-by-county', 'annual-cap', 'season'];
export const exclusionsOf = (a: Algorithm): readonly Exclusion[] => (a === 'sj-draw/1' ? EXCLUSIONS_V1 : EXCLUSIONS_V2);
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
  /** a revealed draw: the commit that fixed it before its entropy existed (core/commitment.ts) */
  commitment?: DrawCommitment;
}

export interface Stratum {
  region: string;
  class: ObjClass;
  tier: string | null;
  population: number;
  quota: number;
  /** sj-draw/2 only: objects already selected this quarter (excluded "same-quarter"), counted toward the quota */
  credited?: number;
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
  format: EvidenceFormat;
  algorithm: Algorithm;
  draw: DrawHeader;
  snapshot: Snapshot;
  snapshotHash: string;
  strata: Stratum[];
  tasks: Task[];
  resultHash: string;
  ledger?: { seq: number; prevHash: string; hash: string };
}
