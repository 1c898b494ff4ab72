/**
 * The placement board's and the composer's pure logic: labels and colours a user sees, the live
 * summary, the run as progress events arrive, recipients and headers.
 */
import { describe, expect, it } from 'vitest';
import type { PlacementRun, SeedOutcome } from '../../electron/core/placement/types';
import {
  composeFields,
  EMPTY_DRAFT,
  fromDomain,
  headerProblems,
  headersRecord,
  listUnsubscribeHeaders,
  newHeaderRow,
  parseRecipients,
  withHeaders,
} from '../../renderer/src/sending/compose-draft';
import {
  applyPlacementEvent,
  finishLiveRun,
  formatShare,
  newLiveRun,
  placementLabel,
  placementLook,
  runDidNotFinish,
  runStatusLabel,
  summarizeSeeds,
} from '../../renderer/src/sending/placement-view';
import { transcriptText } from '../../renderer/src/sending/transcript-text';
import { median } from '../../electron/shared/median';
import { parseRoute, routeHref } from '../../renderer/src/router';

const outcome = (seed: string, over: Partial<SeedOutcome> = {}): SeedOutcome => ({
  seed,
  address: `${seed}@lab.test`,
  provider: 'other',
  placement: 'pending',
  state: 'connecting',
  reconnects: 0,
  ...over,
});

const found = (seed: string, placement: 'inbox' | 'spam' | `category:${'promotions'}` | `folder:${string}`, latencyMs: number): SeedOutcome =>
  outcome(seed, {
    placement,
    state: 'found',
    detection: {
      placement,
      folder: placement === 'spam' ? 'Junk' : 'INBOX',
      uid: 1,
      detectedAt: '2026-11-26T12:00:00.000Z',
      latencyMs,
      via: 'idle',
      authenticationResults: ['mx.lab.test; spf=pass'],
      spamHeaders: {},
    },
  });

const started = (token: string, seeds: SeedOutcome[]) => ({ type: 'started' as const, token, seeds, run: { token, seeds } as unknown as PlacementRun });

describe('placement labels and colours', () => {
  it('uses the issue words and colours: inbox green, category teal, spam red, folder yellow, missing grey, error red outline', () => {
    expect(placementLabel('inbox')).toBe('inbox');
    expect(placementLabel('category:promotions')).toBe('category:promotions');
    expect(placementLabel('folder:Archive')).toBe('folder:Archive');
    expect(placementLabel('pending')).toBe('waiting');
    expect(placementLook('inbox')).toEqual({ color: 'green', variant: 'filled' });
    expect(placementLook('category:social')).toEqual({ color: 'teal', variant: 'filled' });
    expect(placementLook('spam')).toEqual({ color: 'red', variant: 'filled' });
    expect(placementLook('folder:Archive')).toEqual({ color: 'yellow', variant: 'filled' });
    expect(placementLook('missing')).toEqual({ color: 'gray', variant: 'filled' });
    expect(placementLook('error')).toEqual({ color: 'red', variant: 'outline' });
    expect(placementLook('pending').variant).toBe('light');
  });

  it('names run statuses in words, including ones only history holds', () => {
    expect(runStatusLabel('done')).toBe('finished');
    expect(runStatusLabel('send-failed')).toBe('send failed');
    expect(runStatusLabel('interrupted')).toBe('interrupted');
    expect(runStatusLabel('something-new')).toBe('something-new');
    expect(runDidNotFinish('interrupted')).toBe(true);
    expect(runDidNotFinish('done')).toBe(false);
  });
});

describe('live summary', () => {
  it('gives the share per placement (inbox first) and the median latency of the copies found', () => {
    const seeds = [found('a', 'spam', 900), found('b', 'inbox', 300), found('c', 'inbox', 500), outcome('d', { placement: 'missing', state: 'missing' })];
    const summary = summarizeSeeds(seeds);
    expect(summary.total).toBe(4);
    expect(summary.settled).toBe(4);
    expect(summary.shares.map((s) => [s.placement, s.count, formatShare(s.share)])).toEqual([
      ['inbox', 2, '50%'],
      ['spam', 1, '25%'],
      ['missing', 1, '25%'],
    ]);
    expect(summary.medianLatencyMs).toBe(500);
  });

  it('counts seeds still watching as not settled, and has no median before anything is found', () => {
    const summary = summarizeSeeds([outcome('a', { state: 'watching' }), outcome('b', { state: 'reconnecting' })]);
    expect(summary.settled).toBe(0);
    expect(summary.medianLatencyMs).toBeNull();
    expect(summary.shares).toEqual([{ placement: 'pending', count: 2, share: 1 }]);
    expect(summarizeSeeds([]).shares).toEqual([]);
  });

  it('takes the middle of an even count as the rounded mean of the two middle values', () => {
    expect(median([100, 301])).toBe(201);
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
  });
});

describe('following a run from its events', () => {
  it('fills the rows in as events arrive, and the done event has the last word', () => {
    let live = newLiveRun('r1');
    live = applyPlacementEvent(live, started('t1', [outcome('a'), outcome('b')]));
    expect(live.token).toBe('t1');
    expect(live.seeds.map((s) => s.state)).toEqual(['connecting', 'connecting']);

    live = applyPlacementEvent(live, { type: 'seed', token: 't1', outcome: outcome('b', { state: 'watching' }) });
    live = applyPlacementEvent(live, { type: 'seed', token: 't1', outcome: found('a', 'inbox', 640) });
    expect(live.seeds.map((s) => [s.seed, s.placement, s.state])).toEqual([
      ['a', 'inbox', 'found'],
      ['b', 'pending', 'watching'],
    ]);

    const run = { token: 't1', status: 'done', seeds: [found('a', 'inbox', 640), found('b', 'spam', 800)] } as unknown as PlacementRun;
    live = applyPlacementEvent(live, { type: 'done', token: 't1', run });
    expect(live.run).toBe(run);
    expect(live.seeds.map((s) => s.placement)).toEqual(['inbox', 'spam']);
  });

  it('ignores events of another run once its own token is known', () => {
    const live = applyPlacementEvent(newLiveRun('r1'), started('t1', [outcome('a')]));
    const other = applyPlacementEvent(live, { type: 'seed', token: 't2', outcome: found('a', 'spam', 1) });
    expect(other).toBe(live);
  });

  it('adds a seed reported before started, and keeps its state when started arrives', () => {
    let live = applyPlacementEvent(newLiveRun('r1'), { type: 'seed', token: 't1', outcome: outcome('a', { state: 'watching' }) });
    live = applyPlacementEvent(live, started('t1', [outcome('a'), outcome('b')]));
    expect(live.seeds.map((s) => s.state)).toEqual(['watching', 'connecting']);
  });

  it('takes the returned run when the done event was missed', () => {
    const run = { token: 't9', status: 'cancelled', seeds: [outcome('a', { placement: 'error', state: 'error' })] } as unknown as PlacementRun;
    const live = finishLiveRun(newLiveRun('r1'), run);
    expect(live.token).toBe('t9');
    expect(live.seeds[0]?.placement).toBe('error');
  });
});

describe('composer helpers', () => {
  it('splits recipients on commas, semicolons and spaces, without duplicates', () => {
    expect(parseRecipients(' a@x.test, b@x.test;\nA@x.test  <c@x.test> ,, ')).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(parseRecipients('   ')).toEqual([]);
  });

  it('reads the From domain from a bare or named address', () => {
    expect(fromDomain('News <news@Example.COM>')).toBe('example.com');
    expect(fromDomain('a@b.test')).toBe('b.test');
    expect(fromDomain('no address')).toBeNull();
  });

  it('adds List-Unsubscribe with mailto and https, and the RFC 8058 one-click header, replacing earlier ones', () => {
    const added = listUnsubscribeHeaders('lab.test');
    expect(added).toEqual([
      { name: 'List-Unsubscribe', value: '<mailto:unsubscribe@lab.test?subject=unsubscribe>, <https://lab.test/unsubscribe?id=TEST>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    const rows = withHeaders([newHeaderRow('list-unsubscribe', '<mailto:old@x>'), newHeaderRow('X-Campaign', 'c1'), newHeaderRow('', '')], added);
    expect(rows.map((r) => r.name)).toEqual(['X-Campaign', 'List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(listUnsubscribeHeaders(null)[0]?.value).toContain('example.com');
  });

  it('flags header rows the api would refuse, and accepts good ones', () => {
    const good = newHeaderRow('X-Campaign', 'spring');
    const colon = newHeaderRow('Bad:Name', 'v');
    const noName = newHeaderRow('', 'value');
    const twice = newHeaderRow('x-campaign', 'again');
    const empty = newHeaderRow('', '');
    const problems = headerProblems([good, colon, noName, twice, empty]);
    expect(problems.get(good.id)).toBeUndefined();
    expect(problems.get(empty.id)).toBeUndefined();
    expect(problems.get(colon.id)).toMatch(/without spaces or a colon/);
    expect(problems.get(noName.id)).toMatch(/name/);
    expect(problems.get(twice.id)).toMatch(/given twice/);
    expect(headerProblems([newHeaderRow('X-A', 'line\nbreak')]).size).toBe(1);
  });

  it('builds the send input: text and headers only when given, DKIM only when enabled', () => {
    const bare = composeFields({ ...EMPTY_DRAFT, profile: 'lab', subject: 'S', html: '<p>x</p>' });
    expect(bare).toEqual({ profile: 'lab', subject: 'S', html: '<p>x</p>' });
    const full = composeFields({
      ...EMPTY_DRAFT,
      profile: 'lab',
      subject: 'S',
      html: '<p>x</p>',
      text: 'x',
      headers: [newHeaderRow(' X-A ', ' 1 '), newHeaderRow('', '')],
      dkim: { enabled: true, domain: 'lab.test', selector: 's1' },
    });
    expect(full).toEqual({ profile: 'lab', subject: 'S', html: '<p>x</p>', text: 'x', headers: { 'X-A': '1' }, dkim: { domain: 'lab.test', selector: 's1' } });
    expect(headersRecord([])).toBeUndefined();
    expect(composeFields({ ...EMPTY_DRAFT, dkim: { enabled: false, domain: 'a.test', selector: 's' } }).dkim).toBeUndefined();
  });
});

describe('transcript lines', () => {
  it('shows the time, the direction and the text, with a multi-line reply aligned under its first line', () => {
    expect(transcriptText({ dir: 'C', text: 'EHLO [127.0.0.1]', ms: 9.4 })).toBe('     9 ms  C: EHLO [127.0.0.1]');
    expect(transcriptText({ dir: 'S', text: '250-mx.lab.test\n250-PIPELINING\n250 CHUNKING\n', ms: 1234 })).toBe(
      '  1234 ms  S: 250-mx.lab.test\n' + ' '.repeat(14) + '250-PIPELINING\n' + ' '.repeat(14) + '250 CHUNKING',
    );
  });
});

describe('routes of the mail pages', () => {
  it.each([
    ['#/send', { page: 'send' }],
    ['#/placement', { page: 'placement' }],
    ['#/placement/12', { page: 'placement-item', id: 12 }],
    ['#/profiles', { page: 'profiles' }],
    ['#/seeds', { page: 'seeds' }],
    ['#/placement/0', { page: 'home' }],
    ['#/placement/x', { page: 'home' }],
    ['#/seeds/1', { page: 'home' }],
  ])('%j is %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips each through its href', () => {
    for (const route of [{ page: 'send' }, { page: 'placement' }, { page: 'placement-item', id: 3 }, { page: 'profiles' }, { page: 'seeds' }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });
});

describe('a test send in words', () => {
  it('names a recipient the send never reached "not sent", not refused', async () => {
    const { RECIPIENT_WORDS } = await import('../../renderer/src/sending/SendResultView');
    expect(RECIPIENT_WORDS['not-sent'].word).toBe('not sent');
    expect(RECIPIENT_WORDS.rejected.word).toBe('refused');
    expect(RECIPIENT_WORDS.accepted.word).toBe('accepted');
    expect(Object.values(RECIPIENT_WORDS).map((w) => w.word)).not.toContain('not-sent');
  });
});
