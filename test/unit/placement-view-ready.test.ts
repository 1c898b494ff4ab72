import { describe, expect, it } from 'vitest';
import type { Seed, SeedOutcome } from '../../electron/core/placement/types';
import { placementExitCode } from '../../electron/cli/placement';
import { envelopeSender, placementLabel, placementLook, seedReadiness, STATE_LABEL, summarizeSeeds } from '../../renderer/src/sending/placement-view';

const seed = (auth: Seed['auth']): Seed => ({ name: 's1', address: 's1@lab.test', provider: 'other', host: 'imap.lab.test', port: 993, security: 'tls', auth });

describe('seed readiness, in words', () => {
  it('says ready, and where the secret comes from', () => {
    expect(seedReadiness({ seed: seed({ user: 'u' }), secret: 'stored' })).toEqual({ ready: true, words: 'ready: password stored' });
    expect(seedReadiness({ seed: seed({ user: 'u', oauth2: true }), secret: 'stored' })).toEqual({ ready: true, words: 'ready: token stored' });
    expect(seedReadiness({ seed: seed({ user: 'u', passwordEnv: 'DELIVERLAB_S1' }), secret: 'env' })).toEqual({ ready: true, words: 'ready: password from $DELIVERLAB_S1' });
  });

  it('says what is missing and where to fix it', () => {
    expect(seedReadiness({ seed: seed({ user: 'u' }), secret: 'missing' })).toEqual({ ready: false, words: 'not ready: no password stored (open Seeds and enter it)' });
    expect(seedReadiness({ seed: seed({ user: 'u', oauth2TokenEnv: 'DELIVERLAB_TOK' }), secret: 'missing' })).toEqual({ ready: false, words: 'not ready: $DELIVERLAB_TOK is not set for Deliverlab' });
  });

  it('reads the envelope sender a bounce goes to', () => {
    expect(envelopeSender({ from: 'Lab Sender <Sender@Lab.Test>' })).toBe('sender@lab.test');
    expect(envelopeSender({ from: 'news@example.com', envelopeFrom: 'Bounces@ESP.example' })).toBe('bounces@esp.example');
  });
});

describe('bounced on the board and in the exit code', () => {
  const outcome = (placement: SeedOutcome['placement'], state: SeedOutcome['state']): SeedOutcome => ({ seed: placement, address: 'a@b.test', provider: 'other', placement, state, reconnects: 0 });

  it('has its own word and look, and counts as settled', () => {
    expect(placementLabel('bounced')).toBe('bounced');
    expect(STATE_LABEL.bounced).toBe('bounced');
    expect(placementLook('bounced')).toEqual({ color: 'orange', variant: 'filled' });
    const summary = summarizeSeeds([outcome('inbox', 'found'), outcome('bounced', 'bounced'), outcome('pending', 'watching')]);
    expect(summary.settled).toBe(2);
    expect(summary.shares.map((s) => s.placement)).toEqual(['inbox', 'bounced', 'pending']);
  });

  it('exits 1 for a bounced copy, as for a missing one', () => {
    const run = (seeds: SeedOutcome[]) => ({ token: 't', status: 'done' as const, startedAt: '', profile: 'p', subject: 's', deadlineMs: 1, seeds, summary: { total: 0, counts: {}, share: {}, medianLatencyMs: null, worstLatencyMs: null }, warnings: [] });
    expect(placementExitCode(run([outcome('inbox', 'found')]))).toBe(0);
    expect(placementExitCode(run([outcome('inbox', 'found'), outcome('bounced', 'bounced')]))).toBe(1);
    expect(placementExitCode(run([outcome('bounced', 'bounced'), outcome('error', 'error')]))).toBe(2);
  });
});
