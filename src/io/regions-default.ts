/** Hengshui's regions (../shared/domain.md): the defaults of a fresh database. */
export interface RegionRow {
  code: string;
  name: string;
  parent: string | null;
  level: 'city' | 'county';
}

export const HENGSHUI_REGIONS: RegionRow[] = [
  { code: '131100', name: '衡水市', parent: null, level: 'city' },
  { code: '131102', name: '桃城区', parent: '131100', level: 'county' },
  { code: '131103', name: '冀州区', parent: '131100', level: 'county' },
  { code: '131121', name: '枣强县', parent: '131100', level: 'county' },
  { code: '131122', name: '武邑县', parent: '131100', level: 'county' },
  { code: '131123', name: '武强县', parent: '131100', level: 'county' },
  { code: '131124', name: '饶阳县', parent: '131100', level: 'county' },
  { code: '131125', name: '安平县', parent: '131100', level: 'county' },
  { code: '131126', name: '故城县', parent: '131100', level: 'county' },
  { code: '131127', name: '景县', parent: '131100', level: 'county' },
  { code: '131128', name: '阜城县', parent: '131100', level: 'county' },
  { code: '131182', name: '深州市', parent: '131100', level: 'county' },
  { code: '131171', name: '衡水高新技术产业开发区', parent: '131100', level: 'county' },
  { code: '131172', name: '衡水滨湖新区', parent: '131100', level: 'county' },
];

/**
 * English names of the default regions, for English titles (the database keeps the Chinese
 * names only). Another jurisdiction's codes have none: its English titles name the code.
 */
export const ENGLISH_REGION_NAMES: Readonly<Record<string, string>> = {
  '131100': 'Hengshui', '131102': 'Taocheng District', '131103': 'Jizhou District', '131121': 'Zaoqiang County',
  '131122': 'Wuyi County', '131123': 'Wuqiang County', '131124': 'Raoyang County', '131125': 'Anping County',
  '131126': 'Gucheng County', '131127': 'Jing County', '131128': 'Fucheng County', '131182': 'Shenzhou',
  '131171': 'Hengshui High-tech Zone', '131172': 'Hengshui Binhu New Area',
};
