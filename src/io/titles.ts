/**
 * The words of document titles, one home for each: the bureau's name and the period
 * (`2023年第二季度` in every Chinese file; `2023 Q2` in English).
 */
import type { Quarter } from '../core/quarter.js';
import { getLang, t, type Lang } from '../messages/index.js';

const CN_DIGITS = '一二三四';

/** 2023年第二季度 / 2023 Q2 */
export function quarterLabel(q: Pick<Quarter, 'year' | 'q'>, lang?: Lang): string {
  return t('report.periodQuarter', { year: q.year, q: (lang ?? getLang()) === 'zh' ? CN_DIGITS[q.q - 1]! : q.q }, lang);
}

/**
 * The bureau: 衡水市生态环境局. The English name carries no Chinese (the region's name has no
 * English form in the database): the city is named by its code.
 */
export function bureauName(city: { name: string; code: string }, lang?: Lang): string {
  const l = lang ?? getLang();
  return t('report.unit', { city: l === 'zh' ? city.name : t('report.regionByCode', { code: city.code }, l) }, l);
}

