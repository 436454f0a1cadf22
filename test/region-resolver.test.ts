/** regionResolver (io/region-resolver.ts): how an import reads a region cell. */
import { describe, expect, it } from 'vitest';
import { regionResolver } from '../src/io/region-resolver.js';
import { Regions } from '../src/io/regions.js';
import { HENGSHUI_REGIONS } from '../src/io/regions-default.js';

describe('regionResolver', () => {
  const resolve = regionResolver(new Regions(HENGSHUI_REGIONS));

  it('reads codes, names, short names and the bureau’s own names for a county', () => {
    for (const s of ['131102', '桃城区', '桃城', ' 桃城区 ', '衡水市生态环境局桃城区分局', '衡水生态环境局桃城区分局', '市生态环境局桃城分局', '桃城区生态环境分局', '生态环境局桃城分局', '衡水市桃城区', '衡水市生态环境局　桃城区分局']) {
      expect(resolve(s), s).toEqual({ code: '131102', level: 'county' });
    }
    expect(resolve('冀州区分局')).toEqual({ code: '131103', level: 'county' });
  });

  it('reads the city as the city, and nothing for what is not a region', () => {
    expect(resolve('衡水市')).toEqual({ code: '131100', level: 'city' });
    expect(resolve('131100')).toEqual({ code: '131100', level: 'city' });
    expect(resolve('衡水市生态环境局')).toEqual({ code: '131100', level: 'city' });
    for (const s of ['', '石家庄市', '分局', '桃城区分局分局']) expect(resolve(s), s).toBeUndefined();
    // the same answer again (memoised per text)
    expect(resolve('石家庄市')).toBeUndefined();
    expect(resolve('桃城区分局')).toEqual({ code: '131102', level: 'county' });
  });
});
