/**
 * The webhook's bodies and signature: Deliverlab's JSON, Slack's blocks with record text kept as
 * text, Teams' Adaptive Card, and the HMAC-SHA256 of the exact body.
 */
import { describe, expect, it } from 'vitest';
import { signBody, webhookBody } from '../../electron/core/watch/webhook';
import type { AlertPayload } from '../../electron/core/watch/types';

const payload: AlertPayload = {
  id: 7,
  rule: 'record.changed',
  watch: { id: 2, kind: 'domain', target: 'acme.example', client: 'Acme' },
  target: 'acme.example',
  title: 'The SPF record of acme.example changed',
  detail: 'The SPF record of acme.example was "v=spf1 -all" and is "v=spf1 <script>&+all" now.',
  before: 'v=spf1 -all',
  after: 'v=spf1 <script>&+all',
  fix: 'If this change was not made on purpose, publish the previous value again: v=spf1 -all',
  auditId: 41,
  raisedAt: '2026-03-01T10:00:00.000Z',
};

describe('alert webhook bodies', () => {
  it('signs the exact body with HMAC-SHA256, as sha256=<hex>', () => {
    // RFC 4231-style known answer: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signBody('The quick brown fox jumps over the lazy dog', 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('carries the alert whole in the JSON body, with its delivery', () => {
    expect(webhookBody(payload, 'json', 12)).toEqual({ type: 'deliverlab.alert', delivery: 12, alert: payload });
  });

  it('makes a Slack message whose record text cannot turn into markup or mentions', () => {
    const body = webhookBody(payload, 'slack', 12) as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    expect(body.text).toBe('The SPF record of acme.example changed (domain acme.example (client Acme))');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(body.blocks[2]?.fields?.map((f) => f.text)).toEqual(['*Before*\nv=spf1 -all', '*After*\nv=spf1 &lt;script&gt;&amp;+all']);
    expect(JSON.stringify(body)).not.toContain('<script>');
    expect(body.blocks[4]?.text).toBeUndefined();
  });

  it('makes a Teams message with an Adaptive Card: title, detail, facts (rule, watch, before, after) and the fix', () => {
    const body = webhookBody(payload, 'teams', 12) as { attachments: { content: { body: { type: string; text?: string; facts?: { title: string; value: string }[] }[] } }[] };
    const card = body.attachments[0]?.content.body ?? [];
    expect(card[0]?.text).toBe(payload.title);
    expect(card[2]?.facts?.map((f) => f.title)).toEqual(['Rule', 'Watch', 'Before', 'After', 'Raised']);
    expect(card[3]?.text).toBe(`Fix: ${payload.fix}`);
  });
});
