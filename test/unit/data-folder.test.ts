import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../electron/core/paths';

describe('data folder', () => {
  it('follows each platform', () => {
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/deliverlab');
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.local/share/deliverlab');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/share/deliverlab');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/Deliverlab');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Deliverlab');
  });
});
