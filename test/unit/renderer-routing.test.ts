import { describe, expect, it } from 'vitest';
import { readToken } from '../../renderer/src/client/http';
import { isUnder, NAV, pageTitle, parseRoute, routeHref, type Route } from '../../renderer/src/router';

describe('renderer routes', () => {
  it.each([
    ['', { page: 'home' }],
    ['#/home', { page: 'home' }],
    ['#/audit', { page: 'audit' }],
    ['#/history', { page: 'history' }],
    ['#/history/42', { page: 'history-item', id: 42 }],
    ['#/messages', { page: 'messages' }],
    ['#/messages/3', { page: 'message-item', id: 3 }],
    ['#/settings', { page: 'settings' }],
    ['#/batch', { page: 'batch' }],
    ['#/dkim', { page: 'dkim' }],
    ['#/batch/1', { page: 'home' }],
    ['#/history/0', { page: 'home' }],
    ['#/history/abc', { page: 'home' }],
    ['#/messages/0', { page: 'home' }],
    ['#/messages/x', { page: 'home' }],
    ['#/history/1/../../etc', { page: 'home' }],
    ['#javascript:alert(1)', { page: 'home' }],
  ])('%j is %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips every route through its href', () => {
    for (const route of [{ page: 'home' }, { page: 'audit' }, { page: 'history' }, { page: 'history-item', id: 7 }, { page: 'settings' }, { page: 'batch' }, { page: 'dkim' }, { page: 'messages' }, { page: 'message-item', id: 9 }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });
});

describe('page titles and the navigation, from the one list of pages', () => {
  it('titles every page with its own name first', () => {
    const routes: Route[] = [
      { page: 'home' },
      { page: 'audit' },
      { page: 'batch' },
      { page: 'messages' },
      { page: 'message-item', id: 4 },
      { page: 'history' },
      { page: 'history-item', id: 12 },
      { page: 'send' },
      { page: 'placement' },
      { page: 'placement-item', id: 3 },
      { page: 'profiles' },
      { page: 'seeds' },
      { page: 'dkim' },
      { page: 'settings' },
    ];
    expect(routes.map(pageTitle)).toEqual([
      'Home · Deliverlab',
      'Audit a domain · Deliverlab',
      'Batch audit · Deliverlab',
      'Analyse a message · Deliverlab',
      'Message analysis #4 · Deliverlab',
      'History · Deliverlab',
      'Stored audit #12 · Deliverlab',
      'Test send · Deliverlab',
      'Inbox placement · Deliverlab',
      'Placement run #3 · Deliverlab',
      'SMTP profiles · Deliverlab',
      'Seed mailboxes · Deliverlab',
      'DKIM keys · Deliverlab',
      'Settings · Deliverlab',
    ]);
  });

  it('lists the navigation in order, and lights the list a stored item belongs to', () => {
    expect(NAV.map((entry) => [entry.label, routeHref(entry.route)])).toEqual([
      ['Home', '#/home'],
      ['Audit', '#/audit'],
      ['Batch', '#/batch'],
      ['Messages', '#/messages'],
      ['Design QA', '#/qa'],
      ['Test send', '#/send'],
      ['Placement', '#/placement'],
      ['SMTP profiles', '#/profiles'],
      ['Seeds', '#/seeds'],
      ['DMARC reports', '#/reports'],
      ['Sending health', '#/health'],
      ['History', '#/history'],
      ['DKIM keys', '#/dkim'],
      ['Settings', '#/settings'],
    ]);
    const lit = (hash: string) => NAV.filter((entry) => isUnder(parseRoute(hash), entry.route)).map((entry) => entry.label);
    expect(lit('#/history/12')).toEqual(['History']);
    expect(lit('#/messages/4')).toEqual(['Messages']);
    expect(lit('#/placement/3')).toEqual(['Placement']);
    expect(lit('#/send')).toEqual(['Test send']);
    expect(lit('')).toEqual(['Home']);
    expect(lit('#/health/warmup')).toEqual(['Sending health']);
    expect(pageTitle(parseRoute('#/health/warmup'))).toBe('Warm-up planner · Deliverlab');
  });
});

describe('serve token in the page', () => {
  const memory = () => {
    const map = new Map<string, string>();
    return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
  };

  it('takes the token from the address and remembers it for the tab', () => {
    const storage = memory();
    expect(readToken('?token=abc123', storage)).toBe('abc123');
    expect(readToken('', storage)).toBe('abc123');
    expect(readToken('?token=newer', storage)).toBe('newer');
  });

  it('has no token without one in the address or storage, and survives storage that throws', () => {
    expect(readToken('', memory())).toBeNull();
    expect(readToken('', null)).toBeNull();
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(readToken('?token=t', broken)).toBe('t');
    expect(readToken('', broken)).toBeNull();
  });
});
