/**
 * The security wiring: what registerSecurity does to every new web contents and its session.
 *
 * electron is replaced by a fake shell (vi.mock), so the real package is never loaded.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/api/csp';

const opened: string[] = [];
vi.mock('electron', () => ({
  shell: { openExternal: async (url: string) => void opened.push(url) },
}));

const { registerSecurity } = await import('../../electron/main/register-security');

const rendererFile = '/opt/Deliverlab/resources/app.asar/out/renderer/index.html';
const appUrl = pathToFileURL(rendererFile).href;

function fakeSession() {
  return {
    requestHandler: null as null | ((...args: unknown[]) => void),
    checkHandler: null as null | ((...args: unknown[]) => boolean),
    headersFilter: null as unknown,
    headersListener: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.checkHandler = handler;
    },
    webRequest: {} as { onHeadersReceived: (filter: unknown, listener: (details: unknown, cb: (r: unknown) => void) => void) => void },
  };
}

function fakeContents(session: ReturnType<typeof fakeSession>) {
  const emitter = new EventEmitter();
  const contents = Object.assign(emitter, {
    session,
    windowOpenHandler: null as null | ((details: { url: string }) => { action: string }),
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    },
  });
  session.webRequest.onHeadersReceived = (filter, listener) => {
    session.headersFilter = filter;
    session.headersListener = listener;
  };
  return contents;
}

function navigation(url: string, isMainFrame = true) {
  return { url, isMainFrame, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('registerSecurity', () => {
  let session: ReturnType<typeof fakeSession>;
  let contents: ReturnType<typeof fakeContents>;

  beforeEach(() => {
    opened.length = 0;
    const app = new EventEmitter();
    registerSecurity(app as never, { rendererFile });
    session = fakeSession();
    contents = fakeContents(session);
    app.emit('web-contents-created', {}, contents);
  });

  it('lets the window navigate to the app and nowhere else', async () => {
    for (const name of ['will-frame-navigate', 'will-navigate', 'will-redirect']) {
      const own = navigation(`${appUrl}#/history`);
      contents.emit(name, own);
      expect(own.defaultPrevented, name).toBe(false);
      const foreign = navigation(`https://evil.example/?next=${appUrl}`);
      contents.emit(name, foreign);
      expect(foreign.defaultPrevented, name).toBe(true);
    }
  });

  it('lets the message preview frame load its srcdoc, and only a subframe, and only that', async () => {
    const preview = navigation('about:srcdoc', false);
    contents.emit('will-frame-navigate', preview);
    expect(preview.defaultPrevented).toBe(false);
    const top = navigation('about:srcdoc', true);
    contents.emit('will-frame-navigate', top);
    expect(top.defaultPrevented).toBe(true);
    for (const url of ['about:srcdoc?x', 'about:config', 'https://evil.example/', 'data:text/html,<script>1</script>']) {
      const sub = navigation(url, false);
      contents.emit('will-frame-navigate', sub);
      expect(sub.defaultPrevented, url).toBe(true);
    }
  });

  it('shows a clicked web link in the browser, and runs nothing else', async () => {
    contents.emit('will-navigate', navigation('https://www.rfc-editor.org/rfc/rfc7208'));
    contents.emit('will-navigate', navigation('file:///etc/passwd'));
    contents.emit('will-navigate', navigation('javascript:alert(1)'));
    contents.emit('will-navigate', navigation('https://example.com/in-a-frame', false));
    await flush();
    expect(opened).toEqual(['https://www.rfc-editor.org/rfc/rfc7208']);
  });

  it('denies every new window, opening http(s) ones in the browser', async () => {
    expect(contents.windowOpenHandler?.({ url: 'https://deliverlab.dev/docs' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'smb://evil.example/share' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: appUrl })).toEqual({ action: 'deny' });
    await flush();
    expect(opened).toEqual(['https://deliverlab.dev/docs']);
  });

  it('refuses <webview>', () => {
    const event = navigation('about:blank');
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it('denies permissions, except a clipboard write from the app page', () => {
    const answers: boolean[] = [];
    session.requestHandler?.(contents, 'media', (granted: boolean) => answers.push(granted), { requestingUrl: appUrl });
    session.requestHandler?.(contents, 'clipboard-read', (granted: boolean) => answers.push(granted), { requestingUrl: appUrl });
    session.requestHandler?.(contents, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), {
      requestingUrl: appUrl,
    });
    session.requestHandler?.(contents, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), {
      requestingUrl: 'https://evil.example/',
    });
    expect(answers).toEqual([false, false, true, false]);
    expect(session.checkHandler?.(contents, 'geolocation', 'file://', { requestingUrl: appUrl })).toBe(false);
  });

  it('puts the CSP on http(s) responses, replacing the server’s', () => {
    expect(session.headersFilter).toEqual({ urls: ['http://*/*', 'https://*/*'] });
    let response: unknown;
    session.headersListener?.(
      { url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => (response = r),
    );
    expect(response).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('hardens a session once, however many web contents share it', () => {
    const app = new EventEmitter();
    registerSecurity(app as never, { rendererFile });
    const shared = fakeSession();
    let installs = 0;
    shared.setPermissionRequestHandler = () => void installs++;
    app.emit('web-contents-created', {}, fakeContents(shared));
    app.emit('web-contents-created', {}, fakeContents(shared));
    expect(installs).toBe(1);
  });
});
