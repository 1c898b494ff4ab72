/**
 * Hash routes (#/history, #/history/12, ...), each page declared once below: its address, its title
 * and its place in the navigation; the parser, the links, the window titles and the navigation all
 * come from that one list.
 *
 * The hash, not the path: serve's ?token= query and Electron's file URL both stay untouched, and a
 * reload lands on the same page.
 */
import { useSyncExternalStore } from 'react';

/**
 * One page: its address (`:id` stands for a stored item's number), the name its window title starts
 * with, and its entry in the navigation. A page with no entry of its own (a stored item) lights up the
 * entry whose address its own extends: #/history/12 is under History.
 */
type PageSpec = { path: `/${string}/:id`; title: (id: number) => string } | { path: `/${string}`; title: string; nav?: string };

/** Every page, once, in the order of the navigation. App.tsx gives each its component. */
const PAGES = {
  home: { path: '/home', title: 'Home', nav: 'Home' },
  audit: { path: '/audit', title: 'Audit a domain', nav: 'Audit' },
  batch: { path: '/batch', title: 'Batch audit', nav: 'Batch' },
  messages: { path: '/messages', title: 'Analyse a message', nav: 'Messages' },
  'message-item': { path: '/messages/:id', title: (id) => `Message analysis #${id}` },
  qa: { path: '/qa', title: 'Design QA', nav: 'Design QA' },
  send: { path: '/send', title: 'Test send', nav: 'Test send' },
  placement: { path: '/placement', title: 'Inbox placement', nav: 'Placement' },
  'placement-item': { path: '/placement/:id', title: (id) => `Placement run #${id}` },
  profiles: { path: '/profiles', title: 'SMTP profiles', nav: 'SMTP profiles' },
  seeds: { path: '/seeds', title: 'Seed mailboxes', nav: 'Seeds' },
  reports: { path: '/reports', title: 'DMARC reports', nav: 'DMARC reports' },
  // Sending health (issue 18)
  health: { path: '/health', title: 'Sending health', nav: 'Sending health' },
  'health-warmup': { path: '/health/warmup', title: 'Warm-up planner' },
  history: { path: '/history', title: 'History', nav: 'History' },
  'history-item': { path: '/history/:id', title: (id) => `Stored audit #${id}` },
  dkim: { path: '/dkim', title: 'DKIM keys', nav: 'DKIM keys' },
  settings: { path: '/settings', title: 'Settings', nav: 'Settings' },
} as const satisfies Record<string, PageSpec>;

export type PageName = keyof typeof PAGES;

/** Where a page is: its name, and the stored item's number when its address has one. */
type Routes = { [P in PageName]: (typeof PAGES)[P]['path'] extends `${string}/:id` ? { page: P; id: number } : { page: P } };
export type RouteOf<P extends PageName> = Routes[P];
export type Route = Routes[PageName];

const PAGE_NAMES = Object.keys(PAGES) as PageName[];

/** A stored item's number: positive, no leading zero, and small enough to stay an exact JavaScript number. */
const ID = '([1-9][0-9]{0,15})';

const MATCHERS = PAGE_NAMES.map((page) => ({ page, pattern: new RegExp(`^${PAGES[page].path.replace(':id', ID)}$`) }));

/** The page an address names; anything else (no hash, a mistyped or hostile one) is the home page. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  for (const { page, pattern } of MATCHERS) {
    const match = pattern.exec(path);
    // The pattern has a group exactly when the page's address has an :id, as Routes says.
    if (match) return (match[1] === undefined ? { page } : { page, id: Number(match[1]) }) as Route;
  }
  return { page: 'home' };
}

export function routeHref(route: Route): string {
  const { path } = PAGES[route.page];
  return `#${'id' in route ? path.replace(':id', String(route.id)) : path}`;
}

/**
 * The window title of each page (WCAG 2 §2.4.2): its own name first, so tabs and window lists
 * tell pages apart, then the app's.
 */
export function pageTitle(route: Route): string {
  const spec: PageSpec = PAGES[route.page];
  const name = typeof spec.title === 'string' ? spec.title : spec.title('id' in route ? route.id : 0);
  return `${name} · Deliverlab`;
}

/** The navigation's entries, in order: each names the page it opens. */
export const NAV: readonly { label: string; route: Route }[] = PAGE_NAMES.flatMap((page) => {
  const spec: PageSpec = PAGES[page];
  return 'nav' in spec && spec.nav ? [{ label: spec.nav, route: { page } as Route }] : [];
});

/** Whether `route` is the page `entry` opens, or one of that page's stored items. */
export function isUnder(route: Route, entry: Route): boolean {
  const here = PAGES[route.page].path;
  const there = PAGES[entry.page].path;
  return here === there || here.startsWith(`${there}/`);
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
