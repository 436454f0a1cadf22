/**
 * The names of fixed values (a class, an inspection method, a level) from the catalogue: in the
 * current language on the terminal, in Chinese in the files written for the bureau. A value the
 * catalogue does not name is shown as it is.
 */
import { catalogue, t, type Lang } from './index.js';

export type NamedValue = 'class' | 'method' | 'level';

const PREFIX: Record<NamedValue, string> = { class: 'rules.class', method: 'draw.method', level: 'roster.level' };

/** `valueName('method', 'onsite', 'zh')` → 现场检查; the language defaults to the current one. */
export function valueName(kind: NamedValue, value: string, lang?: Lang): string {
  const key = `${PREFIX[kind]}.${value}`;
  return key in catalogue ? t(key, {}, lang) : value;
}
