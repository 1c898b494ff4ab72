/**
 * An audit whose every DNS query goes to a fixture DNS server on loopback (test/lab/dns-server.ts).
 *
 * Each test file keeps its own defaults (which checks to skip, which peers to probe) and passes them
 * here; what they all share is where the answers come from.
 */
import { runAudit, type AuditOptions } from '../../electron/core/audit/run';
import type { AuditResult } from '../../electron/core/audit/types';
import type { DnsSessionOptions } from '../../electron/core/dns/session';

/** DNS settings that send every query to the fixture server listening on `server.port`. */
export function fixtureDns(server: { port: number }, timeoutMs = 500): DnsSessionOptions {
  return { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs };
}

/**
 * runAudit against the fixture server, with `options` over the DNS settings.
 *
 * The server is passed at call time, not when the file loads: test files start it in beforeAll.
 */
export function fixtureAudit(server: { port: number }, domain: string, options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  return runAudit(domain, { dns: fixtureDns(server), ...options });
}
