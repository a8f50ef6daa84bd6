import { describe, expect, it } from 'vitest';
import { exactBytes, formatBytes, formatCount } from './format';

describe('formatBytes', () => {
  it('keeps bytes below 1 KiB exact', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(184)).toBe('184 B');
    expect(formatBytes(1023)).toBe('1,023 B');
  });
  it('uses binary units, one decimal below 100, none for exact sizes', () => {
    expect(formatBytes(515 * 4096)).toBe('2.0 MiB');
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatBytes(70_784)).toBe('69.1 KiB');
    expect(formatBytes(40 * 4096)).toBe('160 KiB');
    expect(formatBytes(1 << 30)).toBe('1 GiB');
    expect(formatBytes(1.5 * 2 ** 20)).toBe('1.5 MiB');
  });
  it('formats counts and exact bytes with separators', () => {
    expect(formatCount(262144)).toBe('262,144');
    expect(exactBytes(60544)).toBe('60,544 bytes');
    expect(exactBytes(1)).toBe('1 byte');
  });
});
