/**
 * The test message being composed, shared by the test-send and placement pages.
 *
 * Kept in a module-level store, not in a page: a user writes the message once, sends it to a colleague,
 * then runs a placement with it, and leaving a page must not drop what they wrote. It lives as long as
 * the window; nothing is written to storage.
 */
import { useSyncExternalStore } from 'react';
import type { QaSummary } from '../../../electron/api/types';
import { domainProblem, selectorProblem, type FieldErrors } from '../forms/validators';

export interface HeaderRow {
  /** Stable key for React, not sent. */
  id: number;
  name: string;
  value: string;
}

export interface ComposeDraft {
  profile: string;
  /** Recipients as typed: separated by commas, semicolons, spaces or lines. */
  to: string;
  subject: string;
  html: string;
  /** The plain-text part; generated from the HTML when empty. */
  text: string;
  headers: HeaderRow[];
  dkim: { enabled: boolean; domain: string; selector: string };
  /** The Design QA page's last result for `html`, kept with the send while the HTML is still that one. */
  qa?: { summary: QaSummary; html: string } | null;
}

export const EMPTY_DRAFT: ComposeDraft = {
  profile: '',
  to: '',
  subject: '',
  html: '',
  text: '',
  headers: [],
  dkim: { enabled: false, domain: '', selector: '' },
  qa: null,
};

let draft: ComposeDraft = EMPTY_DRAFT;
const listeners = new Set<() => void>();
let nextRowId = 1;

export function newHeaderRow(name = '', value = ''): HeaderRow {
  return { id: nextRowId++, name, value };
}

export function updateDraft(change: Partial<ComposeDraft> | ((current: ComposeDraft) => Partial<ComposeDraft>)): void {
  const patch = typeof change === 'function' ? change(draft) : change;
  draft = { ...draft, ...patch };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useDraft(): ComposeDraft {
  return useSyncExternalStore(subscribe, () => draft);
}

/** The recipients typed, split and de-duplicated (case-insensitively), in order. */
export function parseRecipients(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const address = part.trim().replace(/^<|>$/g, '');
    if (!address || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    out.push(address);
  }
  return out;
}

/** The domain of the address in a From value ("Name <a@b.example>" or "a@b.example"). */
export function fromDomain(from: string): string | null {
  const m = /@([^@\s<>]+)>?\s*$/.exec(from.trim());
  return m?.[1]?.toLowerCase() ?? null;
}

/**
 * List-Unsubscribe with a mailto: and an https: address, and List-Unsubscribe-Post for one-click.
 *
 * RFC 2369 §3.2: each address in angle brackets, separated by commas. RFC 8058 §3.1: one-click needs
 * an HTTPS URI in List-Unsubscribe and "List-Unsubscribe-Post: List-Unsubscribe=One-Click". Gmail
 * and Yahoo require both from bulk senders (February 2024); the addresses are placeholders to edit.
 */
export function listUnsubscribeHeaders(domain: string | null): { name: string; value: string }[] {
  const d = domain ?? 'example.com';
  return [
    { name: 'List-Unsubscribe', value: `<mailto:unsubscribe@${d}?subject=unsubscribe>, <https://${d}/unsubscribe?id=TEST>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

/** Adds headers, replacing rows with the same name (header names are case-insensitive, RFC 5322 §1.2.2). */
export function withHeaders(rows: readonly HeaderRow[], add: readonly { name: string; value: string }[]): HeaderRow[] {
  const names = new Set(add.map((h) => h.name.toLowerCase()));
  const kept = rows.filter((row) => !names.has(row.name.trim().toLowerCase()) && (row.name.trim() !== '' || row.value.trim() !== ''));
  return [...kept, ...add.map((h) => newHeaderRow(h.name, h.value))];
}

/** Problems with the header rows a user can fix before sending: the api would only refuse the whole send. */
export function headerProblems(rows: readonly HeaderRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Map<string, number>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '' && row.value.trim() === '') continue;
    if (name === '') problems.set(row.id, 'Give the header a name');
    else if (!/^[\x21-\x39\x3b-\x7e]{1,76}$/.test(name)) problems.set(row.id, 'A header name is printable ASCII without spaces or a colon');
    else if (/[\r\n]/.test(row.value)) problems.set(row.id, 'A header value may not contain line breaks');
    else if (seen.has(name.toLowerCase())) problems.set(row.id, `${name} is given twice`);
    seen.set(name.toLowerCase(), row.id);
  }
  return problems;
}

/** The headers to send, by name; rows left empty are dropped. */
export function headersRecord(rows: readonly HeaderRow[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name) out[name] = row.value.trim();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What send.run and placement.run share, from the draft. */
export function composeFields(d: ComposeDraft): {
  profile: string;
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
  dkim?: { domain: string; selector: string };
  qa?: QaSummary;
} {
  const headers = headersRecord(d.headers);
  const qa = qaFor(d);
  return {
    profile: d.profile,
    subject: d.subject,
    html: d.html,
    ...(d.text.trim() ? { text: d.text } : {}),
    ...(headers ? { headers } : {}),
    ...(d.dkim.enabled ? { dkim: { domain: d.dkim.domain, selector: d.dkim.selector } } : {}),
    ...(qa ? { qa } : {}),
  };
}

/** The design QA summary that goes with the send: only while the HTML is the one that was checked. */
export function qaFor(d: Pick<ComposeDraft, 'html' | 'qa'>): QaSummary | null {
  return d.qa && d.qa.html === d.html ? d.qa.summary : null;
}

/** The composer's fields that can be wrong, named as the api's fields are. */
export type ComposeField = 'profile' | 'subject' | 'html' | 'dkimDomain' | 'dkimSelector';

/** What is wrong with the draft before it is sent, per field, in the words shown beside it. */
export function draftProblems(d: ComposeDraft, profileFrom: string | undefined): FieldErrors<ComposeField> {
  const dkimDomain = d.dkim.domain || fromDomain(profileFrom ?? '') || '';
  return {
    profile: d.profile === '' ? 'Choose an SMTP profile (add one under SMTP profiles)' : undefined,
    subject: d.subject.trim() === '' ? 'Enter a subject' : /[\r\n]/.test(d.subject) ? 'The subject may not contain line breaks' : undefined,
    html: d.html.trim() === '' ? 'Paste or open the HTML to send' : undefined,
    dkimDomain: d.dkim.enabled ? domainProblem(dkimDomain) : undefined,
    dkimSelector: d.dkim.enabled ? selectorProblem(d.dkim.selector) : undefined,
  };
}

/** How the api's fields of send.run and placement.run map to the composer's. */
export const COMPOSE_API_FIELDS: Record<string, ComposeField> = {
  profile: 'profile',
  subject: 'subject',
  html: 'html',
  'dkim.domain': 'dkimDomain',
  'dkim.selector': 'dkimSelector',
};
