import { describe, expect, it } from 'vitest';
import * as packet from 'dns-packet';
import { describeResolver, isServerList, parseResolverSpec } from '../../electron/core/dns/servers';
import { buildQuery } from '../../electron/core/dns/raw';
import { ResolverSchema } from '../../electron/api/operations';

describe('resolver setting: DNS-over-HTTPS', () => {
  it('takes an https URL, with or without doh:', () => {
    expect(parseResolverSpec('https://dns.example/dns-query')).toEqual({ kind: 'doh', url: 'https://dns.example/dns-query' });
    expect(parseResolverSpec(' doh:https://127.0.0.1:8443/dns-query ')).toEqual({ kind: 'doh', url: 'https://127.0.0.1:8443/dns-query' });
    expect(parseResolverSpec('DoH:https://[::1]:8443/q')).toEqual({ kind: 'doh', url: 'https://[::1]:8443/q' });
    expect(describeResolver(parseResolverSpec('https://dns.example/dns-query'))).toBe('DoH https://dns.example/dns-query');
  });

  it('refuses plain HTTP, credentials and non-URLs, saying how to write it', () => {
    expect(() => parseResolverSpec('http://dns.example/dns-query')).toThrow(/needs an https:\/\/ URL/);
    expect(() => parseResolverSpec('doh:ftp://dns.example/')).toThrow(/needs an https:\/\/ URL/);
    expect(() => parseResolverSpec('https://user:pw@dns.example/dns-query')).toThrow(/no user name or password/);
    expect(() => parseResolverSpec('doh:not a url')).toThrow(/https:\/\/host\[:port\]\/dns-query/);
  });
});

describe('resolver setting: authoritative', () => {
  it('takes authoritative alone or with discovery servers', () => {
    expect(parseResolverSpec('authoritative')).toEqual({ kind: 'authoritative', discovery: null });
    expect(parseResolverSpec('Authoritative')).toEqual({ kind: 'authoritative', discovery: null });
    expect(parseResolverSpec('authoritative@127.0.0.1:5353,[::1]')).toEqual({
      kind: 'authoritative',
      discovery: [
        { address: '127.0.0.1', port: 5353 },
        { address: '::1', port: 53 },
      ],
    });
    expect(describeResolver(parseResolverSpec('authoritative'))).toBe('authoritative');
    expect(describeResolver(parseResolverSpec('authoritative@127.0.0.1:5353'))).toBe('authoritative (NS via 127.0.0.1:5353)');
  });

  it('refuses an empty or bad discovery list', () => {
    expect(() => parseResolverSpec('authoritative@')).toThrow(/needs the DNS servers/);
    expect(() => parseResolverSpec('authoritative@dns.example')).toThrow(/not a DNS server/);
    expect(() => parseResolverSpec('authoritative@127.0.0.1:99999')).toThrow(/invalid port/);
  });

  it('keeps the old forms as they were', () => {
    expect(parseResolverSpec('system')).toBeNull();
    expect(parseResolverSpec('127.0.0.1:5353')).toEqual([{ address: '127.0.0.1', port: 5353 }]);
    expect(isServerList(parseResolverSpec('127.0.0.1'))).toBe(true);
    expect(isServerList(parseResolverSpec('authoritative'))).toBe(false);
    // The error for a host name now names the other modes too.
    expect(() => parseResolverSpec('dns.example')).toThrow(/https:\/\/host\/dns-query.*authoritative/);
  });

  it('is accepted by the api schema (so --resolver and Settings take it unchanged)', () => {
    expect(ResolverSchema.safeParse('https://dns.example/dns-query').success).toBe(true);
    expect(ResolverSchema.safeParse('authoritative@127.0.0.1:5353').success).toBe(true);
    const bad = ResolverSchema.safeParse('http://dns.example/dns-query');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/https/);
  });
});

describe('query encoding', () => {
  it('sets RD for a recursive resolver and clears it for a zone server', () => {
    expect(packet.decode(buildQuery(0, 'a.test', 'TXT', false)).flag_rd).toBe(true);
    expect(packet.decode(buildQuery(0, 'a.test', 'TXT', false, false)).flag_rd).toBe(false);
    expect(packet.decode(buildQuery(0, 'a.test', 'TXT', false)).id).toBe(0);
  });
});
