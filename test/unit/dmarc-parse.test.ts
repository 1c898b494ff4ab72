import { describe, expect, it } from 'vitest';
import { isDmarcRecord, nextWeaker, parseDmarcRecord, reportUris, rewriteDmarcRecord, weakerPolicy } from '../../electron/core/audit/dmarc-parse';
import { treeWalkTargets } from '../../electron/core/audit/dmarc';

describe('DMARC record selection', () => {
  it.each([
    ['v=DMARC1; p=none', true],
    ['v=DMARC1;p=reject', true],
    ['v = DMARC1 ; p=reject', true],
    ['v=DMARC1', true],
    ['p=reject; v=DMARC1', false],
    ['v=DMARC10; p=reject', false],
    ['v=spf1 -all', false],
  ])('%j is a record: %s', (txt, expected) => {
    expect(isDmarcRecord(txt)).toBe(expected);
  });
});

describe('DMARC tags (RFC 9989 §4.7)', () => {
  it('reads a complete record without problems', () => {
    const parsed = parseDmarcRecord('v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; pct=100; fo=1:d; rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com; psd=n; t=n; ri=86400; rf=afrf;');
    expect(parsed.problems).toEqual([]);
    expect(parsed.tags).toMatchObject({ p: 'reject', sp: 'quarantine', np: 'reject', psd: 'n', t: 'n' });
  });

  it('marks a missing or invalid p as fatal and other bad tags as ignorable', () => {
    expect(parseDmarcRecord('v=DMARC1; rua=mailto:a@example.com').problems).toEqual([expect.objectContaining({ tag: 'p', fatal: true })]);
    expect(parseDmarcRecord('v=DMARC1; p=block').problems).toEqual([expect.objectContaining({ tag: 'p', fatal: true })]);
    const soft = parseDmarcRecord('v=DMARC1; p=none; sp=maybe; pct=150; rua=reports@example.com; adkim=x; foo=bar');
    expect(soft.problems.map((p) => p.tag).sort()).toEqual(['adkim', 'foo', 'pct', 'rua', 'sp']);
    expect(soft.problems.every((p) => !p.fatal)).toBe(true);
  });

  it('flags a repeated tag', () => {
    expect(parseDmarcRecord('v=DMARC1; p=none; p=reject').problems[0]?.message).toMatch(/more than once/);
  });
});

describe('RFC 9989 §4.10 tree walk targets', () => {
  it('walks one label at a time down to the top-level domain', () => {
    expect(treeWalkTargets('a.mail.example.com')).toEqual(['a.mail.example.com', 'mail.example.com', 'example.com', 'com']);
  });

  it('jumps to seven labels for names of eight or more', () => {
    const name = 'l10.l9.l8.l7.l6.l5.l4.l3.example.com';
    const targets = treeWalkTargets(name);
    expect(targets[0]).toBe(name);
    expect(targets[1]).toBe('l7.l6.l5.l4.l3.example.com');
    expect(targets[1]?.split('.')).toHaveLength(7);
    expect(targets.at(-1)).toBe('com');
    expect(targets).toHaveLength(8);
  });

  it('queries no more than eight names, whatever the depth', () => {
    expect(treeWalkTargets(Array.from({ length: 30 }, (_, i) => `l${i}`).join('.') + '.test')).toHaveLength(8);
  });
});

describe('DMARC helpers for fixes and report destinations', () => {
  it('rewrites a record keeping the order and spelling of untouched tags', () => {
    const record = 'v=DMARC1;p=reject; sp=none ;np=quarantine; rua=mailto:a@example.com';
    expect(rewriteDmarcRecord(record, { sp: 'reject', np: 'reject' })).toBe('v=DMARC1; p=reject; sp=reject; np=reject; rua=mailto:a@example.com');
    expect(rewriteDmarcRecord('v=DMARC1; p=none; pct=50;', { pct: null, t: 'y' })).toBe('v=DMARC1; p=none; t=y');
    expect(rewriteDmarcRecord('v=DMARC1; p=reject', { rua: 'mailto:r@example.com' })).toBe('v=DMARC1; p=reject; rua=mailto:r@example.com');
  });

  it('reads mailto destinations, dropping size limits and other schemes', () => {
    expect(reportUris('mailto:a@Example.COM!10m, https://x.example/r ,mailto:b%2Bdmarc@reports.example.net?subject=x,mailto:c@bad%')).toEqual([
      { uri: 'mailto:a@Example.COM!10m', address: 'a@Example.COM', domain: 'example.com' },
      { uri: 'mailto:b%2Bdmarc@reports.example.net?subject=x', address: 'b+dmarc@reports.example.net', domain: 'reports.example.net' },
    ]);
    expect(reportUris(undefined)).toEqual([]);
    expect(reportUris(Array.from({ length: 50 }, (_, i) => `mailto:r${i}@example.com`).join(','))).toHaveLength(20);
  });

  it('orders policies by strength', () => {
    expect(weakerPolicy('none', 'quarantine')).toBe(true);
    expect(weakerPolicy('quarantine', 'reject')).toBe(true);
    expect(weakerPolicy('reject', 'reject')).toBe(false);
    expect(weakerPolicy('reject', 'none')).toBe(false);
    expect(nextWeaker('reject')).toBe('quarantine');
    expect(nextWeaker('quarantine')).toBe('none');
  });
});
