import { describe, expect, it, vi } from 'vitest';
import { HOMEPAGE_URL, menuTemplate } from '../../electron/main/menu';
import { isSafeExternalUrl } from '../../electron/main/security';

type Item = { label?: string; role?: string; type?: string; submenu?: unknown; click?: () => void };

function roles(template: Item[]): string[] {
  return template.map((item) => item.role ?? item.label ?? '?');
}

describe('menuTemplate', () => {
  it('has the macOS app menu first on macOS only', () => {
    const mac = menuTemplate({ appName: 'Deliverlab', platform: 'darwin', isDev: false, openExternal: () => {} }) as Item[];
    const linux = menuTemplate({ appName: 'Deliverlab', platform: 'linux', isDev: false, openExternal: () => {} }) as Item[];
    expect(roles(mac)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(roles(linux)).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('offers reload and devtools only in development', () => {
    const viewRoles = (isDev: boolean) => {
      const view = (menuTemplate({ appName: 'Deliverlab', platform: 'linux', isDev, openExternal: () => {} }) as Item[]).find(
        (item) => item.label === 'View',
      );
      return (view?.submenu as Item[]).map((item) => item.role ?? item.type);
    };
    expect(viewRoles(true)).toContain('toggleDevTools');
    expect(viewRoles(false)).not.toContain('toggleDevTools');
    expect(viewRoles(false)).not.toContain('reload');
    expect(viewRoles(false)).toContain('togglefullscreen');
  });

  it('opens the homepage through the given opener', () => {
    const openExternal = vi.fn();
    const help = (menuTemplate({ appName: 'Deliverlab', platform: 'win32', isDev: false, openExternal }) as Item[]).find(
      (item) => item.role === 'help',
    );
    const website = (help?.submenu as Item[])[0];
    website?.click?.();
    expect(openExternal).toHaveBeenCalledWith(HOMEPAGE_URL);
    expect(isSafeExternalUrl(HOMEPAGE_URL)).toBe(true);
  });
});
