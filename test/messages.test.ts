/**
 * The message catalogue: every key has a non-empty Chinese and English text with the same
 * {placeholders}; no key is defined in two catalogue files; every t('key') in src/ names a key
 * of the catalogue (and every t(`prefix.${x}`) a prefix that has keys).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, t, type Catalogue } from '../src/messages/index.js';
import { common } from '../src/messages/common.js';
import { drawMessages } from '../src/messages/draw.js';
import { importMessages } from '../src/messages/import.js';
import { keysMessages } from '../src/messages/keys.js';
import { menuMessages } from '../src/messages/menu.js';
import { reportMessages } from '../src/messages/report.js';
import { resultsMessages } from '../src/messages/results.js';
import { rulesMessages } from '../src/messages/rules.js';
import { ROOT } from './helpers.js';

const PARTS: Record<string, Catalogue> = {
  'common.ts': common, 'draw.ts': drawMessages, 'import.ts': importMessages, 'keys.ts': keysMessages, 'menu.ts': menuMessages,
  'report.ts': reportMessages, 'results.ts': resultsMessages, 'rules.ts': rulesMessages,
};

const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every t('key' / t("key" / t(`prefix.${…}` in src/, with where it is. */
function usages(): { key: string; where: string; dynamic: boolean }[] {
  const out: { key: string; where: string; dynamic: boolean }[] = [];
  for (const file of tsFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const lineOf = (i: number) => text.slice(0, i).split('\n').length;
    for (const m of text.matchAll(/(?<![\w.$])t\(\s*(['"])([^'"\n]+)\1/g)) {
      out.push({ key: m[2]!, where: `${relative(ROOT, file)}:${lineOf(m.index!)}`, dynamic: false });
    }
    for (const m of text.matchAll(/(?<![\w.$])t\(\s*`([^`$\n]*)\$\{/g)) {
      out.push({ key: m[1]!, where: `${relative(ROOT, file)}:${lineOf(m.index!)}`, dynamic: true });
    }
  }
  return out;
}

describe('message catalogue', () => {
  it('has a non-empty zh and en text for every key', () => {
    const bad: string[] = [];
    for (const [key, m] of Object.entries(catalogue)) {
      for (const lang of ['zh', 'en'] as const) {
        const s = (m as unknown as Record<string, unknown>)[lang];
        if (typeof s !== 'string' || s.trim() === '') bad.push(`${key}: ${lang} missing or empty`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses the same {placeholders} in zh and en of every key', () => {
    const bad: string[] = [];
    for (const [key, m] of Object.entries(catalogue)) {
      const zh = placeholders(m.zh ?? '');
      const en = placeholders(m.en ?? '');
      if (zh.join(',') !== en.join(',')) bad.push(`${key}: zh {${zh.join('},{')}} ≠ en {${en.join('},{')}}`);
    }
    expect(bad).toEqual([]);
  });

  it('defines no key in two catalogue files (a later file would silently win)', () => {
    const seen = new Map<string, string>();
    const dup: string[] = [];
    for (const [file, part] of Object.entries(PARTS)) {
      for (const key of Object.keys(part)) {
        if (seen.has(key)) dup.push(`${key}: ${seen.get(key)} and ${file}`);
        else seen.set(key, file);
      }
    }
    expect(dup).toEqual([]);
  });

  it('has every key that src/ asks for', () => {
    const all = usages();
    expect(all.length).toBeGreaterThan(100);
    const missing = all.filter((u) => !u.dynamic && !(u.key in catalogue)).map((u) => `${u.where}: t('${u.key}')`);
    expect(missing).toEqual([]);
  });

  it('has keys under every prefix that src/ builds a key from (t(`prefix.${…}`))', () => {
    const keys = Object.keys(catalogue);
    const missing = usages().filter((u) => u.dynamic && u.key !== '' && !keys.some((k) => k.startsWith(u.key)))
      .map((u) => `${u.where}: t(\`${u.key}\${…}\`)`);
    expect(missing).toEqual([]);
  });

  it('fills placeholders and speaks the language asked for', () => {
    expect(t('menu.nextTime', { command: 'sj verify' }, 'zh')).toBe('下次可直接运行：sj verify');
    expect(t('menu.nextTime', { command: 'sj verify' }, 'en')).toBe('Next time, run: sj verify');
  });
});
