import { describe, expect, it } from 'vitest';
import { dsnMatchesRun, parseDsn } from '../../electron/core/placement/dsn';
import { searchReport } from '../../electron/core/placement/run';

// As Postfix writes it (the mail lab's bounce for a mailbox Dovecot does not have), with CRLF line ends.
const POSTFIX = [
  'Return-Path: <>',
  'From: Mail Delivery System <MAILER-DAEMON@lab.test>',
  'Subject: Undelivered Mail Returned to Sender',
  'To: sender@lab.test',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="6536C52403E.1796620297/mx.lab.test"',
  '',
  'This is a MIME-encapsulated message.',
  '',
  '--6536C52403E.1796620297/mx.lab.test',
  'Content-Description: Notification',
  'Content-Type: text/plain; charset=utf-8',
  '',
  '<gone@lab.test>: host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <gone@lab.test> User',
  "    doesn't exist: gone@lab.test (in reply to RCPT TO command)",
  '',
  '--6536C52403E.1796620297/mx.lab.test',
  'Content-Description: Delivery report',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.lab.test',
  'X-Postfix-Queue-ID: 6536C52403E',
  'Arrival-Date: Mon,  7 Dec 2026 05:11:37 +0000 (UTC)',
  '',
  'Final-Recipient: rfc822; gone@lab.test',
  'Original-Recipient: rfc822;gone@lab.test',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; 127.0.0.1',
  "Diagnostic-Code: smtp; 550 5.1.1 <gone@lab.test> User doesn't exist:",
  '    gone@lab.test',
  '',
  '--6536C52403E.1796620297/mx.lab.test',
  'Content-Description: Undelivered Message',
  'Content-Type: message/rfc822',
  '',
  'Return-Path: <sender@lab.test>',
  'X-Deliverlab-Token: dl-0123456789abcdef',
  'From: sender@lab.test',
  'To: gone@lab.test',
  'Subject: Autumn sale [dl-0123456789abcdef]',
  'Message-ID: <8435d11c@lab.test>',
  '',
  'Hello.',
  '',
  '--6536C52403E.1796620297/mx.lab.test--',
  '',
].join('\r\n');

// Headers only (RFC 6522 text/rfc822-headers), LF line ends, two recipients, one only delayed.
const HEADERS_ONLY = `Content-Type: multipart/report; report-type=delivery-status; boundary=b1

--b1
Content-Type: text/plain

Delivery to the following recipients failed.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; <A@Example.NET>
Action: failed
Status: 5.2.2 (mailbox full)
Diagnostic-Code: smtp; 552 5.2.2 mailbox full

Final-Recipient: rfc822; b@example.net
Action: delayed
Status: 4.4.1

--b1
Content-Type: text/rfc822-headers

Message-ID: <abc@sender.example>
Subject: Newsletter

--b1--
`;

describe('parseDsn (RFC 3464)', () => {
  it('reads the status, the diagnostic and the returned headers of a Postfix bounce', () => {
    const report = parseDsn(POSTFIX);
    expect(report).toEqual({
      reportingMta: 'mx.lab.test',
      recipients: [
        {
          finalRecipient: 'gone@lab.test',
          originalRecipient: 'gone@lab.test',
          action: 'failed',
          status: '5.1.1',
          diagnostic: "smtp; 550 5.1.1 <gone@lab.test> User doesn't exist: gone@lab.test",
          remoteMta: '127.0.0.1',
        },
      ],
      returned: { token: 'dl-0123456789abcdef', messageId: '<8435d11c@lab.test>', subject: 'Autumn sale [dl-0123456789abcdef]' },
    });
  });

  it('reads every recipient block, lower-cases addresses, and headers-only returns', () => {
    const report = parseDsn(Buffer.from(HEADERS_ONLY));
    expect(report?.recipients.map((r) => [r.finalRecipient, r.action, r.status])).toEqual([
      ['a@example.net', 'failed', '5.2.2'],
      ['b@example.net', 'delayed', '4.4.1'],
    ]);
    expect(report?.returned).toEqual({ messageId: '<abc@sender.example>', subject: 'Newsletter' });
  });

  it('is null for a message that is not a delivery report', () => {
    expect(parseDsn('Subject: hello\r\nContent-Type: text/plain\r\n\r\nHi [dl-0123456789abcdef]\r\n')).toBeNull();
    expect(parseDsn(HEADERS_ONLY.replace('message/delivery-status', 'text/plain'))).toBeNull();
  });

  it('ties a report to a run by token (header or subject) or by Message-ID, and to nothing else', () => {
    const report = parseDsn(POSTFIX);
    if (!report) throw new Error('no report');
    expect(dsnMatchesRun(report, 'dl-0123456789abcdef', undefined)).toBe('token');
    expect(dsnMatchesRun({ ...report, returned: { subject: 'Autumn sale [dl-0123456789abcdef]' } }, 'dl-0123456789abcdef', undefined)).toBe('token');
    expect(dsnMatchesRun(report, 'dl-ffffffffffffffff', '8435d11c@lab.test')).toBe('message-id');
    expect(dsnMatchesRun(report, 'dl-ffffffffffffffff', '<other@lab.test>')).toBeNull();
    // A token that merely contains another run's is not that run's.
    expect(dsnMatchesRun({ ...report, returned: { token: 'dl-0123456789abcdef0' } }, 'dl-0123456789abcdef', undefined)).toBeNull();
  });
});

describe('searchReport', () => {
  it('says which folders were searched, how, how often and until when', () => {
    const r = searchReport(
      { folders: ['INBOX', 'Archive', 'Junk'], inbox: 'idle', junk: 'Junk', junkPush: true, gmail: false, pollMs: 2000, rounds: 42, from: '2026-12-07T05:00:00.000Z' },
      'dl-0123456789abcdef',
      new Date('2026-12-07T05:10:00.000Z'),
      600_000,
      ['seed1', 'sender'],
    );
    expect(r).toMatchObject({ folders: ['INBOX', 'Archive', 'Junk'], until: '2026-12-07T05:10:00.000Z', pollMs: 2000, rounds: 42, bouncesWatchedIn: ['seed1', 'sender'] });
    expect(r.explanation).toContain('dl-0123456789abcdef');
    expect(r.explanation).toContain('2026-12-07T05:10:00.000Z');
    expect(r.explanation).toMatch(/INBOX by IDLE push/);
    expect(r.explanation).toMatch(/Junk \(spam\) by IDLE push between searches, and a search every 2 s/);
    expect(r.explanation).toMatch(/Archive by a search every 2 s/);
    expect(r.explanation).toMatch(/No bounce .* arrived in seed1 or sender/);
  });
});
