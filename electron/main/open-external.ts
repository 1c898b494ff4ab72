/**
 * The one way the app opens something in the user's browser.
 *
 * shell.openExternal hands a URL to the OS, which will happily run `file:` or custom-scheme handlers;
 * so every caller (window.open, clicked links, the Help menu) goes through this http(s)-only gate.
 */
import { shell } from 'electron';
import { safeExternalUrl } from './security';

/** Opens an http(s) URL in the default browser; returns false (and opens nothing) for anything else. */
export async function openExternal(url: string): Promise<boolean> {
  const safe = safeExternalUrl(url);
  if (safe === null) {
    console.warn(`[deliverlab] refused to open ${JSON.stringify(url.slice(0, 200))} outside the app`);
    return false;
  }
  try {
    await shell.openExternal(safe);
    return true;
  } catch (err) {
    console.warn(`[deliverlab] could not open ${safe}: ${(err as Error).message}`);
    return false;
  }
}
