/**
 * The words of document titles, one home for each: the bureau's name and the period
 * (`2023年第二季度` in every Chinese file; `2023 Q2` in English).
 */
import type { Quarter } from '../core/quarter.js';
import { getLang, t, type Lang } from '../messages/index.js';
import { ENGLISH_REGION_NAMES } from './regions-default.js';

const CN_DIGITS = '一二三四';

/** 2023年第二季度 / 2023 Q2 */
export function quarterLabel(q: Pick<Quarter, 'year' | 'q'>, lang?: Lang): string {
  return t('report.periodQuarter', { year: q.year, q: (lang ?? getLang()) === 'zh' ? CN_DIGITS[q.q - 1]! : q.q }, lang);
}

/**
 * The bureau: 衡水市生态环境局; in English, wholly English: the city's English name where sj
 * knows it (the default regions), else the city named by its code.
 */
export function bureauName(city: { name: string; code: string }, lang?: Lang): string {
  const l = lang ?? getLang();
  const en = ENGLISH_REGION_NAMES[city.code] ?? t('report.regionByCode', { code: city.code }, l);
  return t('report.unit', { city: l === 'zh' ? city.name : en }, l);
}

