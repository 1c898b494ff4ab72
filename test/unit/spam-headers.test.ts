import { describe, expect, it } from 'vitest';
import { classifyInput } from '../../electron/core/message/input';
import { carriedSpamVerdicts } from '../../electron/core/message/spam-headers';

/** The carried verdicts of a message made of these header lines and a short body. */
const read = (...lines: string[]) => carriedSpamVerdicts(classifyInput(Buffer.from([...lines, 'From: a@example.org', 'Subject: t', '', 'body', ''].join('\r\n'))).headers);

describe('spam filter headers a message carries', () => {
  it('reads SpamAssassin\'s X-Spam-Status with its score, threshold and folded test list', () => {
    const [status, flag, level, score] = read(
      'X-Spam-Status: Yes, score=7.2 required=5.0 tests=BAYES_99,DKIM_INVALID,',
      '\tHTML_MESSAGE,URIBL_BLOCKED autolearn=no autolearn_force=no version=3.4.6',
      'X-Spam-Flag: YES',
      'X-Spam-Level: *******',
      'X-Spam-Score: 7.2',
    );
    expect(status).toMatchObject({ filter: 'spamassassin', header: 'X-Spam-Status', verdict: 'spam', score: 7.2, threshold: 5 });
    expect(status?.rules?.map((r) => r.name)).toEqual(['BAYES_99', 'DKIM_INVALID', 'HTML_MESSAGE', 'URIBL_BLOCKED']);
    expect(status?.meaning).toBe('SpamAssassin called the message spam with a score of 7.2 (spam from 5).');
    expect(flag).toMatchObject({ verdict: 'spam', header: 'X-Spam-Flag' });
    expect(level).toMatchObject({ verdict: 'unknown', score: 7 });
    expect(score).toMatchObject({ verdict: 'unknown', score: 7.2 });
  });

  it('reads a ham verdict with no tests', () => {
    expect(read('X-Spam-Status: No, score=-0.1 required=5.0 tests=none autolearn=ham')).toEqual([
      expect.objectContaining({ verdict: 'ham', score: -0.1, threshold: 5, meaning: 'SpamAssassin called the message ham with a score of -0.1 (spam from 5).' }),
    ]);
    expect(read('X-Spam-Status: No, score=-0.1 required=5.0 tests=none')[0]?.rules).toBeUndefined();
  });

  it('reads rspamd\'s X-Spamd-Result with its symbols, its score and action', () => {
    const [result, score, action] = read(
      'X-Spamd-Result: default: False [3.40 / 15.00];',
      '\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.1];',
      '\tDMARC_POLICY_ALLOW(-0.50)[example.org,none];',
      '\tMIME_HTML_ONLY(0.20)[]',
      'X-Rspamd-Score: 3.4',
      'X-Rspamd-Action: no action',
      'X-Rspamd-Queue-Id: 4Abc123',
    );
    expect(result).toMatchObject({ filter: 'rspamd', verdict: 'ham', score: 3.4, threshold: 15 });
    expect(result?.rules).toEqual([
      { name: 'R_SPF_ALLOW', score: -0.2 },
      { name: 'DMARC_POLICY_ALLOW', score: -0.5 },
      { name: 'MIME_HTML_ONLY', score: 0.2 },
    ]);
    expect(score).toMatchObject({ filter: 'rspamd', verdict: 'unknown', score: 3.4 });
    expect(action).toMatchObject({ filter: 'rspamd', verdict: 'ham' });
    // The queue id carries no verdict: it is not listed.
    expect(read('X-Rspamd-Queue-Id: 4Abc123')).toEqual([]);
    expect(read('X-Spamd-Result: default: True [16.10 / 15.00]; BAYES_SPAM(5.10)[99.99%]')[0]).toMatchObject({ verdict: 'spam', score: 16.1 });
    expect(read('X-Rspamd-Action: add header')[0]).toMatchObject({ verdict: 'spam' });
  });

  it('reads Microsoft\'s SCL and SFV from X-Forefront-Antispam-Report, the organisation SCL and the BCL', () => {
    const [report, scl, bcl] = read(
      'X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.example.org;PTR:mail.example.org;CAT:SPM;SFS:(13230031);DIR:INB;',
      'X-MS-Exchange-Organization-SCL: 5',
      'X-Microsoft-Antispam: BCL:7;ARA:13230031;',
    );
    expect(report).toMatchObject({ filter: 'microsoft', verdict: 'spam', score: 5, threshold: 5 });
    expect(report?.fields).toMatchObject({ CIP: '192.0.2.10', SCL: '5', SFV: 'SPM', CAT: 'SPM', DIR: 'INB' });
    expect(report?.meaning).toBe("Microsoft's filter: SFV:SPM, filtered as spam; SCL 5: spam, delivered to Junk; connecting IP 192.0.2.10.");
    expect(scl).toMatchObject({ verdict: 'spam', score: 5, meaning: "Microsoft's spam confidence level: SCL 5: spam, delivered to Junk." });
    expect(bcl).toMatchObject({ verdict: 'spam', score: 7, threshold: 7 });
    expect(bcl?.meaning).toMatch(/BCL 7, at or above the default threshold of 7: junked as bulk/);
  });

  it('reads a clean Microsoft verdict, a skipped one and a low BCL', () => {
    expect(read('X-Forefront-Antispam-Report: CIP:192.0.2.10;SCL:1;SFV:NSPM;')[0]).toMatchObject({ verdict: 'ham', score: 1 });
    expect(read('X-MS-Exchange-Organization-SCL: -1')[0]).toMatchObject({ verdict: 'ham', meaning: expect.stringMatching(/filtering was skipped/) });
    expect(read('X-Microsoft-Antispam: BCL:0;')[0]).toMatchObject({ verdict: 'ham', score: 0 });
    // An anti-spam header without a BCL carries no verdict.
    expect(read('X-Microsoft-Antispam: ARA:13230031;')).toEqual([]);
  });

  it('reads Gmail\'s flags and keeps values that are not verdicts out', () => {
    expect(read('X-Gm-Spam: 0', 'X-Gm-Phishy: 1').map((v) => [v.filter, v.verdict])).toEqual([
      ['gmail', 'ham'],
      ['gmail', 'spam'],
    ]);
    expect(read('X-Gm-Spam: maybe', 'X-Spam-Score: high', 'X-Spam: perhaps')).toEqual([]);
  });

  it('cuts a long value and bounds the rules a hostile header lists', () => {
    const tests = Array.from({ length: 5000 }, (_, i) => `RULE_${i}`).join(',');
    const [status] = read(`X-Spam-Status: Yes, score=99 required=5 tests=${tests}`);
    expect(status?.value.length).toBe(2000);
    expect(status?.rules?.length).toBeLessThanOrEqual(100);
  });
});
