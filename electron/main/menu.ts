/**
 * The application menu, as a template built from plain options.
 *
 * Standard roles give every platform its native behaviour (copy/paste in text fields, zoom, window
 * management, the macOS app menu). Only types come from electron here, so the template is unit-tested.
 */
import type { MenuItemConstructorOptions } from 'electron';

export const HOMEPAGE_URL = 'https://deliverlab.dev';

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Development build: offers reload and devtools. */
  isDev: boolean;
  openExternal: (url: string) => unknown;
}

export function menuTemplate({ appName, platform, isDev, openExternal }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (isMac) template.push({ label: appName, role: 'appMenu' });

  template.push({ role: 'fileMenu' });
  template.push({ role: 'editMenu' });
  template.push({
    label: 'View',
    submenu: [
      ...(isDev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({ role: 'windowMenu' });
  template.push({
    role: 'help',
    submenu: [
      { label: `${appName} Website`, click: () => void openExternal(HOMEPAGE_URL) },
      ...(isMac ? [] : ([{ type: 'separator' }, { role: 'about' }] as const)),
    ],
  });
  return template;
}
