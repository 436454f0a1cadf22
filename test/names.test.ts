/** Class, method and level names come from the catalogue (messages/names.ts), in the language asked. */
import { describe, expect, it } from 'vitest';
import { valueName } from '../src/messages/names.js';
import { getLang, setLang } from '../src/messages/index.js';

describe('valueName', () => {
  it('names a value in Chinese for the files, whatever the current language', () => {
    const before = getLang();
    setLang('en');
    try {
      expect(valueName('class', 'positive', 'zh')).toBe('一般(正面清单)');
      expect(valueName('class', 'general', 'zh')).toBe('一般');
      expect(valueName('method', 'offsite', 'zh')).toBe('非现场检查');
      expect(valueName('level', 'both', 'zh')).toBe('市县两级');
      // the current language by default
      expect(valueName('method', 'onsite')).toBe('on-site');
    } finally {
      setLang(before);
    }
  });

  it('shows a value the catalogue does not name as it is', () => {
    expect(valueName('method', '书面检查', 'zh')).toBe('书面检查');
    expect(valueName('class', 'toString', 'zh')).toBe('toString');
  });
});
