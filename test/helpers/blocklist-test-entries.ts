/**
 * Every blocklist's test entry as zone text, for fixture zones written inside a test file.
 *
 * RFC 5782 §5: an IP list lists 127.0.0.2 and a domain list the name TEST. The blocklist check asks
 * for them before it believes a list's "not listed", so a zone that serves the lists' names must
 * serve these too (test/fixtures/zones/bl.zone does, with each list's own codes).
 */
import { DNSBL_LISTS, queryZone, testPointName } from '../../electron/core/audit/dnsbl';

export function blocklistTestEntries(dqsKey?: string): string {
  return DNSBL_LISTS.map((list) => `${testPointName(list, queryZone(list, dqsKey))}. A 127.0.0.2`).join('\n');
}
