/**
 * Whether a check's result has anything for its panel to show.
 *
 * A check ends as `error` both when it could not run at all and when it ran but some lookups it
 * depends on failed (one include of the SPF tree, one blocklist): the second still carries what it
 * found, and hiding that behind the error would lose the part that tells the user where it broke.
 * Decided from the data itself, never from the error's text. Pure: test/unit/renderer-checks.test.ts.
 */
import type { AuditChecks } from '../../../electron/api/types';
import type { CheckId } from './types';

type Data<K extends CheckId> = NonNullable<AuditChecks[K]>;

const DETAILS: { [K in CheckId]: (data: Data<K>) => boolean } = {
  mx: (d) => d.nullMx || d.hosts.length > 0,
  spf: (d) => d.records.length > 0 || d.tree !== undefined,
  dmarc: (d) => d.record !== null || d.walk.length > 0,
  dkim: (d) => d.selectors.length > 0 || (d.failed?.length ?? 0) > 0,
  mtasts: (d) => d.record !== null || d.policy !== null,
  tlsrpt: (d) => d.record !== null,
  bimi: (d) => d.record !== null,
  dnssec: (d) => d.signed !== null || d.mx.length > 0,
  ptr: (d) => d.addresses.length > 0,
  dnsbl: (d) => d.results.length > 0,
  smtp: (d) => d.hosts.length > 0,
  providers: (d) => d.scorecards.length > 0,
};

/** True when the check found something to show, whatever its status. */
export function hasDetails<K extends CheckId>(id: K, data: Data<K>): boolean {
  // Rows stored before a field existed lack it: treat a missing list as empty, not as a crash.
  try {
    return (DETAILS[id] as (data: Data<K>) => boolean)(data);
  } catch {
    return false;
  }
}
