/**
 * The RFC 7208 conformance suite (openspf.org, via pyspf) in test/fixtures/conformance/spf, run through
 * spfCheckHost against a loopback DNS server serving each scenario's zone data.
 */
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import type * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsSession } from '../../electron/core/dns/session';
import { spfCheckHost } from '../../electron/core/spf/check-host';
import { conformancePath } from '../helpers/conformance';
import { startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';

const SUITE = conformancePath('spf', 'rfc7208-tests.yml');

interface SuiteTest {
  spec?: string | string[];
  description?: string;
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
}
interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata: Record<string, (Record<string, unknown> | string)[]>;
}

const scenarios = loadAll(readFileSync(SUITE, 'utf8')) as Scenario[];

/** Turns a scenario's zonedata into a fixture zone, as pyspf's test driver reads it (see the suite README). */
function zoneFor(scenario: Scenario): Zone {
  const zone: Zone = { records: new Map(), behaviour: new Map() };
  for (const [rawName, entries] of Object.entries(scenario.zonedata ?? {})) {
    const name = rawName.replace(/\.$/, '').toLowerCase();
    const list: packet.Answer[] = [];
    const add = (type: string, data: unknown) => list.push({ name, type, ttl: 60, class: 'IN', data } as packet.Answer);
    const hasTxt = entries.some((e) => typeof e === 'object' && 'TXT' in e);
    for (const entry of entries) {
      if (entry === 'TIMEOUT') {
        // As pyspf's driver reads it: queries for types the name has records for are still answered.
        zone.behaviour.set(name, { timeout: 'empty' });
        continue;
      }
      if (typeof entry !== 'object') continue;
      for (const [type, value] of Object.entries(entry)) {
        const strings = (v: unknown) => (Array.isArray(v) ? v : [v]).map((s) => Buffer.from(String(s), 'utf8'));
        switch (type) {
          case 'SPF':
            // An SPF entry counts as TXT unless the name has explicit TXT entries.
            if (!hasTxt && value !== 'NONE') add('TXT', strings(value));
            break;
          case 'TXT':
            if (value !== 'NONE') add('TXT', strings(value));
            break;
          case 'A':
          case 'AAAA':
            for (const ip of Array.isArray(value) ? value : [value]) add(type, String(ip));
            break;
          case 'MX': {
            const [preference, exchange] = value as [number, string];
            add('MX', { preference, exchange: String(exchange).replace(/\.$/, '') });
            break;
          }
          case 'PTR':
          case 'CNAME':
            add(type, String(value).replace(/\.$/, ''));
            break;
        }
      }
    }
    zone.records.set(name, list);
  }
  return zone;
}

describe.each(scenarios.map((s) => [s.description, s] as const))('RFC 7208 suite: %s', (_description, scenario) => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startDnsServer({ zone: zoneFor(scenario) });
  });
  afterAll(() => server?.close());

  it.each(Object.entries(scenario.tests))('%s', async (_name, test) => {
    const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 150, tries: 1 });
    const out = await spfCheckHost({ ip: test.host, mailFrom: test.mailfrom, helo: test.helo }, dns);
    const expected = Array.isArray(test.result) ? test.result : [test.result];
    expect(expected, `${test.description ?? ''} (RFC 7208 ${[test.spec].flat().join(', ')}): ${out.comment}`).toContain(out.result);
  });
});
