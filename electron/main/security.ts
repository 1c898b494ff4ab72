/**
 * The desktop security policy, as pure predicates on plain strings.
 *
 * Every decision about what a window may load, open, ask for or send over IPC is made here, without
 * Electron, so that each one is unit-tested (test/unit/security.test.ts). URLs are parsed and their
 * components compared whole: a substring test would trust `https://evil.example/?next=file:///app`.
 * This module must never import `electron` at run time (eslint enforces it).
 */
import { pathToFileURL } from 'node:url';

/** What the app's own renderer is: the built index.html, or electron-vite's dev server. */
export interface TrustedRenderer {
  /** Absolute path of the built renderer's index.html. */
  rendererFile: string;
  /** The dev server origin (`ELECTRON_RENDERER_URL`), only ever set for an unpackaged app. */
  devServerUrl?: string | undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * The dev server URL to load, or null when the value is unset or not a loopback http(s) URL.
 *
 * The variable comes from the environment, so a stray or hostile value must not turn the app window
 * into a browser pointed at a remote site with the preload's API attached.
 */
export function parseDevServerUrl(value: string | undefined): URL | null {
  if (value === undefined || value === '') return null;
  const url = parse(value);
  if (!url || hasCredentials(url)) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return LOOPBACK_HOSTS.has(url.hostname) ? url : null;
}

/**
 * Whether a URL is the app's own renderer: exactly the built index.html, or the dev server's origin.
 *
 * Query and fragment are ignored (the UI routes in the fragment). For file: URLs the host must match
 * too, so `file://evil/out/renderer/index.html` (a UNC share on Windows) is not the app.
 */
export function isTrustedRendererUrl(url: string, renderer: TrustedRenderer): boolean {
  const parsed = parse(url);
  if (!parsed || hasCredentials(parsed)) return false;

  if (parsed.protocol === 'file:') {
    const own = pathToFileURL(renderer.rendererFile);
    const path = decodedPath(parsed);
    return path !== null && parsed.host === own.host && path === decodedPath(own);
  }

  const dev = parseDevServerUrl(renderer.devServerUrl);
  if (!dev) return false;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === dev.origin;
}

/** A window may navigate only to the app itself; every other URL is refused (and maybe opened outside). */
export function shouldAllowNavigation(url: string, renderer: TrustedRenderer): boolean {
  return isTrustedRendererUrl(url, renderer);
}

/**
 * Whether a frame inside the app may navigate to `url`.
 *
 * The message preview is a sandboxed iframe whose document is its srcdoc (about:srcdoc); an empty
 * frame starts at about:blank. Both are allowed for subframes only, exactly those two URLs: the top
 * frame never leaves the app's own renderer.
 */
export function shouldAllowFrameNavigation(url: string, isMainFrame: boolean, renderer: TrustedRenderer): boolean {
  if (!isMainFrame && (url === 'about:srcdoc' || url === 'about:blank')) return true;
  return shouldAllowNavigation(url, renderer);
}

/**
 * The normalised URL to hand to the OS browser, or null when it must not be opened.
 *
 * Only http(s) with a host and without credentials: `file:`, `javascript:`, `data:`, custom schemes
 * and `smb:` can run or mount things outside the app's sandbox.
 */
export function safeExternalUrl(url: string): string | null {
  const parsed = parse(url);
  if (!parsed || hasCredentials(parsed)) return null;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.hostname === '') return null;
  return parsed.href;
}

export function isSafeExternalUrl(url: string): boolean {
  return safeExternalUrl(url) !== null;
}

/**
 * Whether the renderer may have a web permission.
 *
 * Deliverlab needs no camera, location, notifications-from-web or the like. The one exception is
 * writing plain text to the clipboard from the app's own page (the UI's "copy record" buttons use
 * navigator.clipboard.writeText, which Electron routes through the permission handlers); reading
 * the clipboard stays denied.
 */
export function shouldAllowPermission(
  permission: string,
  requestingUrl: string | undefined,
  renderer: TrustedRenderer,
): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  return requestingUrl !== undefined && isTrustedRendererUrl(requestingUrl, renderer);
}

/** What ipc.ts knows about the sender of an IPC message. */
export interface IpcSender {
  /** webContents id of the sender. */
  senderId: number;
  /** webContents id of the main window, or null when there is none. */
  mainWindowId: number | null;
  /** URL of the frame that sent it; null when the frame is gone. */
  frameUrl: string | null;
  /** Whether that frame is the top frame of its page. */
  isMainFrame: boolean;
}

/** Only the top frame of our own window, showing our own page, may call the API. */
export function isTrustedIpcSender(sender: IpcSender, renderer: TrustedRenderer): boolean {
  return (
    sender.mainWindowId !== null &&
    sender.senderId === sender.mainWindowId &&
    sender.isMainFrame &&
    sender.frameUrl !== null &&
    isTrustedRendererUrl(sender.frameUrl, renderer)
  );
}

/**
 * Response headers with our Content-Security-Policy, replacing any the server sent.
 *
 * Header names are case-insensitive, so a dev server's `content-security-policy` must not survive
 * next to ours (two policies would both apply, and theirs might be the laxer one we meant to drop).
 */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
  policy: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
