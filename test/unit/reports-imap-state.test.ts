/**
 * The bookkeeping of an import from a mailbox: where a run starts (the last UID finished, unless the
 * folder's UIDVALIDITY changed), which UIDs it reads, how a message is named, and the state history keeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { mailboxAccount, messageName, plainText, startingPoint, uidsToRead } from '../../electron/core/reports/imap-import';

describe('where a run starts', () => {
  it('reads everything the first time', () => {
    expect(startingPoint(null, '1700000000')).toEqual({
      after: 0,
      restarted: false,
    });
  });

  it('goes on after the last UID finished under the same UIDVALIDITY', () => {
    expect(startingPoint({ uidValidity: '1700000000', lastUid: 42 }, '1700000000')).toEqual({ after: 42, restarted: false });
  });

  it('starts over, and says so, when the folder was recreated (another UIDVALIDITY)', () => {
    expect(startingPoint({ uidValidity: '1700000000', lastUid: 42 }, '1700000999')).toEqual({ after: 0, restarted: true });
  });
});

describe('the UIDs a run reads', () => {
  it('drops the last message a "43:*" search answers even below 43, repeats, and sorts', () => {
    expect(uidsToRead([41, 45, 44, 45, 43], 42)).toEqual({
      uids: [43, 44, 45],
      remaining: 0,
    });
  });

  it('reads the oldest first and leaves the rest for the next run', () => {
    expect(uidsToRead([9, 3, 7, 5, 1], 0, 3)).toEqual({
      uids: [1, 3, 5],
      remaining: 2,
    });
  });

  it('finds nothing new in an empty answer', () => {
    expect(uidsToRead([], 10)).toEqual({ uids: [], remaining: 0 });
  });
});

describe('a message as a refusal names it', () => {
  it('is the folder, the UID and the subject', () => {
    expect(messageName('INBOX', 42, 'Report domain: brand.test')).toBe('INBOX UID 42: Report domain: brand.test');
  });

  it('carries no control or direction character from the subject, and a long one is cut', () => {
    expect(messageName('INBOX', 7, 'Report\r\n\u001b[31mred\u202egnp.exe')).toBe('INBOX UID 7: Report [31mred gnp.exe');
    expect(plainText('x'.repeat(300))).toHaveLength(200);
    expect(messageName('INBOX', 8, undefined)).toBe('INBOX UID 8: (no subject)');
  });

  it('names the account by its login and server, whatever the seed is called', () => {
    expect(
      mailboxAccount({
        host: 'IMAP.Example.com',
        port: 993,
        auth: { user: 'dmarc@brand.test' },
      }),
    ).toBe('imap://dmarc%40brand.test@imap.example.com:993');
  });
});

describe('the state history keeps per account and folder', () => {
  let store: HistoryStore | undefined;
  afterEach(() => store?.close());

  it('is empty until written, then read back, replaced, and kept apart per folder', () => {
    store = HistoryStore.open(':memory:');
    expect(store.reportMailbox('imap://a@h:993', 'INBOX')).toBeNull();
    store.setReportMailbox({
      account: 'imap://a@h:993',
      folder: 'INBOX',
      uidValidity: '4294967295',
      lastUid: 12,
      lastRunAt: '2024-06-03T10:00:00.000Z',
    });
    store.setReportMailbox({
      account: 'imap://a@h:993',
      folder: 'INBOX',
      uidValidity: '4294967295',
      lastUid: 15,
      lastRunAt: '2024-06-04T10:00:00.000Z',
    });
    store.setReportMailbox({
      account: 'imap://a@h:993',
      folder: 'DMARC',
      uidValidity: '7',
      lastUid: 3,
      lastRunAt: '2024-06-04T10:00:00.000Z',
    });
    expect(store.reportMailbox('imap://a@h:993', 'INBOX')).toEqual({
      account: 'imap://a@h:993',
      folder: 'INBOX',
      uidValidity: '4294967295',
      lastUid: 15,
      lastRunAt: '2024-06-04T10:00:00.000Z',
    });
    expect(store.reportMailbox('imap://a@h:993', 'DMARC')?.lastUid).toBe(3);
    expect(store.reportMailbox('imap://b@h:993', 'INBOX')).toBeNull();
  });
});
