/** Regions of the jurisdiction: lookup by code or name (with the usual aliases). */
import type { DB } from './db.js';

export interface Region {
  code: string;
  name: string;
  parent: string | null;
  level: 'city' | 'county';
}

/** Every region, in the order they were imported (the city first). */
export function listRegions(db: DB): Region[] {
  return db.prepare('SELECT code, name, parent, level FROM regions ORDER BY sort, code').all() as Region[];
}

export class Regions {
  readonly all: Region[];
  readonly city: Region;
  private readonly byKey = new Map<string, Region>();
  constructor(rows: Region[]) {
    this.all = rows;
    const city = rows.find((r) => r.level === 'city');
    if (!city) throw new Error('no city-level region in the database');
    this.city = city;
    for (const r of rows) {
      this.byKey.set(r.code, r);
      this.byKey.set(r.name, r);
      // 桃城区 → 桃城, 衡水滨湖新区 → 滨湖新区
      const short = r.name.replace(/(区|县|市)$/u, '');
      if (short.length >= 2 && !this.byKey.has(short)) this.byKey.set(short, r);
      const cityName = city.name.replace(/市$/u, '');
      if (r.name.startsWith(cityName) && r !== city) {
        const rest = r.name.slice(cityName.length);
        if (rest.length >= 2 && !this.byKey.has(rest)) this.byKey.set(rest, r);
      }
    }
    for (const alias of ['市局', '市本级', '本级', `${city.name}生态环境局`, '市生态环境局']) {
      if (!this.byKey.has(alias)) this.byKey.set(alias, city);
    }
  }
  static load(db: DB): Regions {
    return new Regions(listRegions(db));
  }
  /** a region by code, name or alias; undefined when unknown */
  find(s: string): Region | undefined {
    const k = s.trim().replace(/\s+/g, '');
    return this.byKey.get(k);
  }
  counties(): Region[] {
    return this.all.filter((r) => r.level === 'county');
  }
  name(code: string): string {
    return this.byKey.get(code)?.name ?? code;
  }
}
