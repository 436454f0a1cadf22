/**
 * How much a draw's seed (the entropy read out on the spot) holds. Pure.
 * Twenty dice rolls carry about 51 bits: enough that nobody can guess or arrange the seed ahead
 * of the draw. A shorter seed is accepted (the law asks for no number) but warned about.
 */
export const MIN_SEED_CHARS = 20;

/** Characters of a seed, spaces not counted: "3 1 4 1 5" has 5. */
export const seedChars = (s: string): number => [...s.replace(/\s+/gu, '')].length;

/** The count and the minimum when a seed given by people is shorter than MIN_SEED_CHARS; null otherwise. */
export function shortSeed(s: string): { n: number; min: number } | null {
  const n = seedChars(s);
  return n < MIN_SEED_CHARS ? { n, min: MIN_SEED_CHARS } : null;
}
