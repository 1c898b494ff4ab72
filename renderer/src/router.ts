/**
 * Hash routes (#/audit, #/batch, #/messages, #/messages/7, #/history, #/history/12, #/send, #/placement,
 * #/placement/3, #/profiles, #/seeds, #/dkim, #/settings).
 *
 * The hash, not the path: serve's ?token= query and Electron's file URL both stay untouched, and a
 * reload lands on the same page.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'audit' }
  | { page: 'batch' }
  | { page: 'messages' }
  | { page: 'message-item'; id: number }
  | { page: 'history' }
  | { page: 'history-item'; id: number }
  | { page: 'send' }
  | { page: 'placement' }
  | { page: 'placement-item'; id: number }
  | { page: 'profiles' }
  | { page: 'seeds' }
  | { page: 'dkim' }
  | { page: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/batch') return { page: 'batch' };
  if (path === '/messages') return { page: 'messages' };
  const message = /^\/messages\/([1-9][0-9]{0,15})$/.exec(path);
  if (message) return { page: 'message-item', id: Number(message[1]) };
  if (path === '/history') return { page: 'history' };
  const item = /^\/history\/([1-9][0-9]{0,15})$/.exec(path);
  if (item) return { page: 'history-item', id: Number(item[1]) };
  if (path === '/send') return { page: 'send' };
  if (path === '/placement') return { page: 'placement' };
  const placement = /^\/placement\/([1-9][0-9]{0,15})$/.exec(path);
  if (placement) return { page: 'placement-item', id: Number(placement[1]) };
  if (path === '/profiles') return { page: 'profiles' };
  if (path === '/seeds') return { page: 'seeds' };
  if (path === '/dkim') return { page: 'dkim' };
  if (path === '/settings') return { page: 'settings' };
  return { page: 'audit' };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'audit':
      return '#/audit';
    case 'batch':
      return '#/batch';
    case 'messages':
      return '#/messages';
    case 'message-item':
      return `#/messages/${route.id}`;
    case 'history':
      return '#/history';
    case 'history-item':
      return `#/history/${route.id}`;
    case 'send':
      return '#/send';
    case 'placement':
      return '#/placement';
    case 'placement-item':
      return `#/placement/${route.id}`;
    case 'profiles':
      return '#/profiles';
    case 'seeds':
      return '#/seeds';
    case 'dkim':
      return '#/dkim';
    case 'settings':
      return '#/settings';
  }
}

/**
 * The window title of each page (WCAG 2 §2.4.2): its own name first, so tabs and window lists
 * tell pages apart, then the app's.
 */
export function pageTitle(route: Route): string {
  const name = ((): string => {
    switch (route.page) {
      case 'audit':
        return 'Audit a domain';
      case 'batch':
        return 'Batch audit';
      case 'messages':
        return 'Analyse a message';
      case 'message-item':
        return `Message analysis #${route.id}`;
      case 'history':
        return 'History';
      case 'history-item':
        return `Stored audit #${route.id}`;
      case 'send':
        return 'Test send';
      case 'placement':
        return 'Inbox placement';
      case 'placement-item':
        return `Placement run #${route.id}`;
      case 'profiles':
        return 'SMTP profiles';
      case 'seeds':
        return 'Seed mailboxes';
      case 'dkim':
        return 'DKIM keys';
      case 'settings':
        return 'Settings';
    }
  })();
  return `${name} · Deliverlab`;
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
