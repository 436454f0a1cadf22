/**
 * Who may be sent on an inspection on a given day (§6 of the draw pages): an inspector who is
 * active and holds an enforcement certificate valid that day. One home for the rule: the
 * snapshot (draw, plan), the statistics table's inspector count and `roster stats` use it.
 */
export type Ineligibility = 'inactive' | 'uncertified' | 'expired';

export interface InspectorStatus {
  status: string;
  certified: boolean;
  /** YYYY-MM-DD, or '' when the certificate has no end date */
  certExpiry: string;
}

/** Why an inspector may not be sent on `date` (YYYY-MM-DD), or null when they may. */
export function ineligibility(i: InspectorStatus, date: string): Ineligibility | null {
  if (i.status !== 'active') return 'inactive';
  if (!i.certified) return 'uncertified';
  if (i.certExpiry !== '' && i.certExpiry < date) return 'expired';
  return null;
}

/** Regions whose eligible inspectors cannot fill one team of the rules' size. */
export function tooFewForATeam(eligibleByRegion: Record<string, number>, regions: readonly string[], teamSize: number): string[] {
  return regions.filter((r) => (eligibleByRegion[r] ?? 0) < teamSize);
}
