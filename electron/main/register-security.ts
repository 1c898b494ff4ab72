/**
 * Wires the predicates of security.ts into Electron, once, for every web contents the app creates.
 *
 * Registered on `web-contents-created` so that no window, devtools page or future view can escape
 * it by being created somewhere else (Electron security checklist, items 11-14).
 */
import type { App, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../api/csp';
import { openExternal } from './open-external';
import {
  isSafeExternalUrl,
  shouldAllowFrameNavigation,
  shouldAllowNavigation,
  shouldAllowPermission,
  withContentSecurityPolicy,
  type TrustedRenderer,
} from './security';

const hardenedSessions = new WeakSet<Session>();

function hardenSession(session: Session, renderer: TrustedRenderer): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(shouldAllowPermission(permission, details.requestingUrl, renderer));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    shouldAllowPermission(permission, details.requestingUrl, renderer),
  );

  // The packaged app loads file:// pages, which carry the policy in a <meta> tag (no headers there);
  // the dev server's responses get it as a header, so development runs under the same policy.
  session.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*'] }, (details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, CONTENT_SECURITY_POLICY) });
  });
}

function hardenWebContents(contents: WebContents, renderer: TrustedRenderer): void {
  hardenSession(contents.session, renderer);

  // Any frame, any navigation: only the app's own page may be loaded.
  contents.on('will-frame-navigate', (event) => {
    if (!shouldAllowFrameNavigation(event.url, event.isMainFrame, renderer)) event.preventDefault();
  });
  // A plain link click in the top frame: keep the app, show the page in the browser instead.
  contents.on('will-navigate', (event) => {
    if (shouldAllowNavigation(event.url, renderer)) return;
    event.preventDefault();
    if (event.isMainFrame && isSafeExternalUrl(event.url)) void openExternal(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!shouldAllowNavigation(event.url, renderer)) event.preventDefault();
  });

  // No new windows, ever: target=_blank links and window.open go to the browser, or nowhere.
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void openExternal(url);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Installs the policy; call before the first window is created (before or after `ready`). */
export function registerSecurity(app: App, renderer: TrustedRenderer): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, renderer);
  });
}
