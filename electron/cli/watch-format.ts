/**
 * The readable output of monitoring: watches, alerts, clients, and the other kinds of history.
 *
 * Everything shown came from DNS, a message or a server at some point (a record in an alert's
 * before and after, a subject): every formatter takes its input through neutraliseAll first.
 */
import type { PlacementListItem, SendSummary } from '../core/history/types';
import type { MessageSummaryRow } from '../core/history/types';
import { describeSchedule } from '../core/watch/schedule';
import type { Alert, AlertLine, ClientSummary, Watch, WatchSummary } from '../core/watch/types';
import type { painter } from './format';
import { neutraliseAll } from './terminal-text';

type Paint = ReturnType<typeof painter>;

const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

/** Columns padded to their widest cell, the head in bold. */
function table(head: string[], rows: string[][], paint: Paint): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [paint('bold', line(head)), ...rows.map(line)].join('\n');
}

const more = (shown: number, total: number, paint: Paint) => (total > shown ? `\n${paint('dim', `${shown} of ${total} shown; use --limit to see more.`)}` : '');

export function formatWatches(untrusted: WatchSummary[], paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return 'Nothing is watched yet. Add a domain or a sending IP: deliverlab watch add example.com';
  return table(
    ['ID', 'TARGET', 'KIND', 'CLIENT', 'SCHEDULE', 'LAST CHECK (UTC)', 'RESULT', 'OPEN ALERTS', 'NEXT (UTC)'],
    items.map((w) => [
      String(w.id),
      w.target,
      w.kind,
      w.client?.name ?? '-',
      describeSchedule(w.schedule),
      when(w.last?.at),
      !w.last ? 'not checked yet' : w.last.error ? 'check failed' : w.last.score !== null ? `${w.last.score} (${w.last.grade})` : 'checked',
      String(w.openAlerts),
      when(w.nextAt),
    ]),
    paint,
  );
}

/** One line per watch added or updated. */
export function formatAdded(untrusted: Watch[], added: ReadonlySet<number>): string {
  return neutraliseAll(untrusted)
    .map((w) => `${added.has(w.id) ? 'Watching' : 'Updated'} ${w.kind === 'ip' ? 'sending IP' : 'domain'} ${w.target} (#${w.id}), ${describeSchedule(w.schedule)}${w.client ? `, client ${w.client.name}` : ''}.`)
    .join('\n');
}

/** An alert as `--json` prints it: the fields the issue names, the optional ones only when present. */
export function alertLine(alert: Alert): AlertLine {
  return {
    id: alert.id,
    rule: alert.rule,
    target: alert.target,
    title: alert.title,
    detail: alert.detail,
    ...(alert.before !== undefined ? { before: alert.before } : {}),
    ...(alert.after !== undefined ? { after: alert.after } : {}),
    ...(alert.fix !== undefined ? { fix: alert.fix } : {}),
  };
}

/** An alert as it is raised: its title, what changed, and the fix, indented. */
export function formatAlert(untrusted: Alert, paint: Paint): string {
  const a = neutraliseAll(untrusted);
  const indent = (text: string) => text.split('\n').join('\n      ');
  const out = [`${paint(['red', 'bold'], 'ALERT')} #${a.id} ${paint('bold', a.rule)} ${a.target}: ${a.title}`, `      ${indent(a.detail)}`];
  if (a.before !== undefined) out.push(`      before: ${indent(a.before)}`);
  if (a.after !== undefined) out.push(`      after:  ${indent(a.after)}`);
  if (a.fix) out.push(`      ${paint('green', 'fix:')} ${indent(a.fix)}`);
  if (a.auditId !== null) out.push(paint('dim', `      from audit #${a.auditId} (deliverlab report --audit ${a.auditId} --out audit.html)`));
  return out.join('\n');
}

export function formatAlerts(untrusted: Alert[], total: number, open: boolean, paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return open ? 'No open alerts.' : 'No alerts yet.';
  const state = (a: Alert) => (a.ackedAt ? 'acknowledged' : a.open ? 'open' : `snoozed to ${when(a.snoozedUntil)}`);
  return table(
    ['ID', 'RAISED (UTC)', 'TARGET', 'RULE', 'STATE', 'TITLE'],
    items.map((a) => [String(a.id), when(a.raisedAt), a.target, a.rule, state(a), a.title]),
    paint,
  ) + more(items.length, total, paint);
}

export function formatClients(untrusted: ClientSummary[], paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return 'No clients yet. Add one: deliverlab clients add "Acme" --domain acme.example';
  return table(
    ['NAME', 'DOMAINS', 'SENDING IPS', 'WATCHES', 'OPEN ALERTS', 'TAGS'],
    items.map((c) => [c.name, c.domains.join(', ') || '-', c.ips.join(', ') || '-', String(c.watches), String(c.openAlerts), c.tags.join(', ') || '-']),
    paint,
  );
}

export function formatMessages(untrusted: MessageSummaryRow[], total: number, paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return 'No message analyses in history yet. Run: deliverlab check message.eml';
  return (
    table(
      ['ID', 'DATE (UTC)', 'FROM DOMAIN', 'SPF', 'DKIM', 'DMARC', 'CRITICAL', 'SUBJECT'],
      items.map((m) => [String(m.id), when(m.analysedAt), m.fromDomain ?? '-', m.spf, m.dkim, m.dmarc, String(m.critical), m.subject ?? '-']),
      paint,
    ) + more(items.length, total, paint)
  );
}

export function formatSends(untrusted: SendSummary[], total: number, paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return 'No test sends in history yet.';
  return (
    table(
      ['ID', 'DATE (UTC)', 'PROFILE', 'RESULT', 'ACCEPTED', 'SUBJECT'],
      items.map((x) => [String(x.id), when(x.sentAt), x.profile, x.ok ? 'sent' : `failed${x.errorCode ? ` (${x.errorCode})` : ''}`, `${x.acceptedCount} of ${x.recipientCount}`, x.subject]),
      paint,
    ) + more(items.length, total, paint)
  );
}

export function formatPlacements(untrusted: PlacementListItem[], total: number, paint: Paint): string {
  const items = neutraliseAll(untrusted);
  if (items.length === 0) return 'No placement runs in history yet.';
  return (
    table(
      ['ID', 'DATE (UTC)', 'PROFILE', 'STATUS', 'SEEDS', 'INBOX', 'SUBJECT'],
      items.map((p) => [String(p.id), when(p.startedAt), p.profile, p.status, String(p.total), p.inboxShare === null ? '-' : `${Math.round(p.inboxShare * 100)}%`, p.subject]),
      paint,
    ) + more(items.length, total, paint)
  );
}
