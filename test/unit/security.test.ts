import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isSafeExternalUrl,
  isTrustedIpcSender,
  isTrustedRendererUrl,
  parseDevServerUrl,
  safeExternalUrl,
  shouldAllowFrameNavigation,
  shouldAllowNavigation,
  shouldAllowPermission,
  withContentSecurityPolicy,
  type TrustedRenderer,
} from '../../electron/main/security';

const rendererFile = '/opt/Deliverlab/resources/app.asar/out/renderer/index.html';
const fileUrl = pathToFileURL(rendererFile).href;
const packaged: TrustedRenderer = { rendererFile };
const dev: TrustedRenderer = { rendererFile, devServerUrl: 'http://localhost:5173/' };

describe('isTrustedRendererUrl (packaged: file:// only)', () => {
  it.each([
    fileUrl,
    `${fileUrl}#/history`,
    `${fileUrl}?view=audit#/audit/example.com`,
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    'file://localhost/opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    'FILE:///opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    // Dot segments are resolved by the URL parser: this is the same file.
    'file:///opt/Deliverlab/resources/app.asar/out/main/../renderer/index.html',
  ])('trusts its own page %s', (url) => {
    expect(isTrustedRendererUrl(url, packaged)).toBe(true);
  });

  it.each([
    // Substring and prefix tricks.
    `https://evil.example/?next=${fileUrl}`,
    `https://evil.example/#${fileUrl}`,
    `https://evil.example${rendererFile}`,
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/index.html.evil',
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/index.htm',
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/',
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/other.html',
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/assets/index.html',
    'file:///etc/passwd',
    'file:///tmp/opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    // Another host: a UNC share on Windows, not the app on this disk.
    'file://evil/opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    'file://evil.example/out/renderer/index.html',
    'file://user@evil/opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    // Schemes that are never the app.
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'blob:file:///0b2b1c7e-0000-4000-8000-000000000000',
    'http://localhost:5173/',
    'devtools://devtools/bundled/inspector.html',
    // Not URLs at all.
    '',
    'index.html',
    '/opt/Deliverlab/resources/app.asar/out/renderer/index.html',
    'file:///opt/Deliverlab/resources/app.asar/out/renderer/index%.html',
  ])('refuses %s', (url) => {
    expect(isTrustedRendererUrl(url, packaged)).toBe(false);
  });

  it('compares percent-decoded paths, so a path with spaces still matches', () => {
    const spaced: TrustedRenderer = { rendererFile: '/Applications/Deliverlab Beta.app/out/renderer/index.html' };
    expect(isTrustedRendererUrl('file:///Applications/Deliverlab%20Beta.app/out/renderer/index.html', spaced)).toBe(true);
    expect(isTrustedRendererUrl('file:///Applications/Deliverlab%20Beta.app/out/renderer/index%2Ehtml', spaced)).toBe(true);
    expect(isTrustedRendererUrl('file:///Applications/Deliverlab%20Beta.app/out/renderer/evil.html', spaced)).toBe(false);
  });
});

describe('isTrustedRendererUrl (development: the dev server origin too)', () => {
  it.each([
    'http://localhost:5173/',
    'http://localhost:5173/index.html',
    'http://localhost:5173/#/history',
    'http://localhost:5173/src/main.tsx?t=123',
    'HTTP://LOCALHOST:5173/',
    fileUrl,
  ])('trusts %s', (url) => {
    expect(isTrustedRendererUrl(url, dev)).toBe(true);
  });

  it.each([
    'http://localhost:5174/',
    'http://localhost/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://localhost.evil.example:5173/',
    'http://evil.example/?next=http://localhost:5173/',
    'http://user:pass@localhost:5173/',
    'http://user@localhost:5173/',
    'ws://localhost:5173/',
    'javascript:location="http://localhost:5173/"',
  ])('refuses %s', (url) => {
    expect(isTrustedRendererUrl(url, dev)).toBe(false);
  });

  it('ignores a dev server URL that is not loopback http(s)', () => {
    const hostile: TrustedRenderer = { rendererFile, devServerUrl: 'https://evil.example/' };
    expect(isTrustedRendererUrl('https://evil.example/', hostile)).toBe(false);
    expect(isTrustedRendererUrl(fileUrl, hostile)).toBe(true);
  });
});

describe('parseDevServerUrl', () => {
  it.each(['http://localhost:5173', 'http://127.0.0.1:5173/', 'http://[::1]:5173/', 'https://localhost:8443/'])(
    'accepts loopback %s',
    (value) => {
      expect(parseDevServerUrl(value)?.protocol).toMatch(/^https?:$/);
    },
  );

  it.each([
    undefined,
    '',
    'localhost:5173',
    'http://evil.example:5173/',
    'http://192.168.1.10:5173/',
    'http://localhost.evil.example/',
    'http://user:pw@localhost:5173/',
    'file:///tmp/index.html',
    'javascript:alert(1)',
    'ftp://localhost/',
  ])('refuses %s', (value) => {
    expect(parseDevServerUrl(value)).toBeNull();
  });
});

describe('shouldAllowFrameNavigation', () => {
  it('allows about:srcdoc and about:blank in subframes only', () => {
    expect(shouldAllowFrameNavigation('about:srcdoc', false, packaged)).toBe(true);
    expect(shouldAllowFrameNavigation('about:blank', false, packaged)).toBe(true);
    expect(shouldAllowFrameNavigation('about:srcdoc', true, packaged)).toBe(false);
    expect(shouldAllowFrameNavigation('about:blank#x', false, packaged)).toBe(false);
    expect(shouldAllowFrameNavigation('ABOUT:SRCDOC', false, packaged)).toBe(false);
    expect(shouldAllowFrameNavigation('https://evil.example/', false, packaged)).toBe(false);
  });
});

describe('shouldAllowNavigation', () => {
  it('allows the app page and nothing else', () => {
    expect(shouldAllowNavigation(`${fileUrl}#/settings`, packaged)).toBe(true);
    expect(shouldAllowNavigation('https://deliverlab.dev/', packaged)).toBe(false);
    expect(shouldAllowNavigation(`https://evil.example/?next=${fileUrl}`, packaged)).toBe(false);
    expect(shouldAllowNavigation('http://localhost:5173/', packaged)).toBe(false);
  });
});

describe('safeExternalUrl / isSafeExternalUrl', () => {
  it.each([
    ['https://deliverlab.dev', 'https://deliverlab.dev/'],
    ['http://example.com/path?q=1#x', 'http://example.com/path?q=1#x'],
    ['HTTPS://Example.COM/RFC7208', 'https://example.com/RFC7208'],
    // The WHATWG parser (Chromium's too) reads a special scheme's missing slash this way; the
    // normalised form is what gets opened, so the OS sees the same URL we checked.
    ['http:/example.com', 'http://example.com/'],
    ['https://www.rfc-editor.org/rfc/rfc7489#section-6.3', 'https://www.rfc-editor.org/rfc/rfc7489#section-6.3'],
  ])('opens %s as %s', (url, normalised) => {
    expect(safeExternalUrl(url)).toBe(normalised);
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'FILE:///C:/Windows/System32/calc.exe',
    'smb://evil.example/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'mailto:postmaster@example.com',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'https://',
    '//example.com/',
    'example.com',
    '',
  ])('refuses %s', (url) => {
    expect(safeExternalUrl(url)).toBeNull();
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('shouldAllowPermission', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'unknown'])(
    'denies %s, even to the app itself',
    (permission) => {
      expect(shouldAllowPermission(permission, fileUrl, packaged)).toBe(false);
    },
  );

  it('lets only the app page write plain text to the clipboard', () => {
    expect(shouldAllowPermission('clipboard-sanitized-write', fileUrl, packaged)).toBe(true);
    expect(shouldAllowPermission('clipboard-sanitized-write', 'https://evil.example/', packaged)).toBe(false);
    expect(shouldAllowPermission('clipboard-sanitized-write', undefined, packaged)).toBe(false);
  });
});

describe('isTrustedIpcSender', () => {
  const ok = { senderId: 3, mainWindowId: 3, frameUrl: fileUrl, isMainFrame: true };

  it('trusts the top frame of the main window showing the app', () => {
    expect(isTrustedIpcSender(ok, packaged)).toBe(true);
  });

  it.each([
    ['another window', { ...ok, senderId: 4 }],
    ['no main window', { ...ok, mainWindowId: null }],
    ['a subframe', { ...ok, isMainFrame: false }],
    ['a destroyed frame', { ...ok, frameUrl: null }],
    ['a foreign page', { ...ok, frameUrl: 'https://evil.example/' }],
    ['a foreign page naming the app', { ...ok, frameUrl: `https://evil.example/?next=${fileUrl}` }],
    ['about:blank', { ...ok, frameUrl: 'about:blank' }],
  ])('refuses %s', (_label, sender) => {
    expect(isTrustedIpcSender(sender, packaged)).toBe(false);
  });
});

describe('withContentSecurityPolicy', () => {
  const policy = "default-src 'none'";

  it('adds the policy', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'] }, policy)).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [policy],
    });
    expect(withContentSecurityPolicy(undefined, policy)).toEqual({ 'Content-Security-Policy': [policy] });
  });

  it('replaces any policy the server sent, whatever its case', () => {
    const headers = withContentSecurityPolicy(
      { 'content-security-policy': ['script-src *'], 'CONTENT-SECURITY-POLICY': ['default-src *'], ETag: ['x'] },
      policy,
    );
    expect(headers).toEqual({ ETag: ['x'], 'Content-Security-Policy': [policy] });
  });
});
