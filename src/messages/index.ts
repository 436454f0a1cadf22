/**
 * The one catalogue of user-facing messages. Every key has a Chinese and an English text;
 * domains keep their keys in their own file, merged here. `{name}` placeholders are filled by t().
 */
import { common } from './common.js';
import { importMessages } from './import.js';
import { rulesMessages } from './rules.js';
import { drawMessages } from './draw.js';
import { resultsMessages } from './results.js';
import { reportMessages } from './report.js';
import { menuMessages } from './menu.js';
import { keysMessages } from './keys.js';
import { fairnessMessages } from './fairness.js';
import { ceremonyMessages } from './ceremony.js';

export type Lang = 'zh' | 'en';
export interface Msg {
  zh: string;
  en: string;
}
export type Catalogue = Record<string, Msg>;

const parts: Catalogue[] = [common, importMessages, rulesMessages, drawMessages, resultsMessages, reportMessages, menuMessages, keysMessages, fairnessMessages, ceremonyMessages];

export const catalogue: Catalogue = Object.assign({}, ...parts);

let current: Lang = 'zh';

export function setLang(lang: Lang): void {
  current = lang;
}
export function getLang(): Lang {
  return current;
}

export function parseLang(s: string | undefined): Lang | undefined {
  if (!s) return undefined;
  const v = s.toLowerCase();
  if (v.startsWith('en')) return 'en';
  if (v.startsWith('zh') || v === 'cn') return 'zh';
  return undefined;
}

/** Translate a key; unknown keys are a programming error and show as the key itself. */
export function t(key: string, params: Record<string, string | number> = {}, lang: Lang = current): string {
  const m = catalogue[key];
  const text = m ? m[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}
