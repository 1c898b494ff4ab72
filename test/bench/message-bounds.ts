/**
 * The message part's speed bounds that used to be test assertions: refusing oversized input at once,
 * linting hostile HTML and every conformance message, analysing hostile MIME.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { analyzeMessage, MAX_MESSAGE_BYTES, MessageInputError } from '../../electron/core/message/analyze';
import { lintContent } from '../../electron/core/message/content-lint';
import { scanHtml } from '../../electron/core/message/html-scan';
import { lintHeaders } from '../../electron/core/message/header-lint';
import { classifyInput } from '../../electron/core/message/input';
import { CONFORMANCE, conformanceMessages } from '../helpers/conformance';
import { lintInput, msg } from '../helpers/message-lint-input';
import { bound, judge, type Bounded } from './bound';

const HEAD = ['From: Shop <news@shop.example>', 'To: reader@inbox.example', 'Date: Thu, 26 Nov 2026 09:58:00 +0000', 'Message-ID: <c.1@shop.example>', 'Subject: Offer', 'MIME-Version: 1.0'];
const htmlOnly = (html: string) => msg(...HEAD, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', html, '');

/** Refusal is the expected outcome: anything else is a broken bench, not a slow figure. */
async function refused(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof MessageInputError && err.code === 'too-large') return;
    throw err;
  }
  throw new Error('an input over 50 MB was not refused');
}

export async function runMessageBounds(dnsPort: number): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const dns = { servers: [{ address: '127.0.0.1', port: dnsPort }], timeoutMs: 500, tries: 1 };

  // test/unit/message-input.test.ts and test/integration/message-auth.test.ts: refused at once.
  const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x41);
  await bound(out, 'classifyInput refuses 50 MB + 1 byte', 50, 50, () => refused(() => classifyInput(big)), { warmup: 5 });
  await bound(out, 'check (analyzeMessage) refuses 50 MB + 1 byte', 100, 50, () => refused(() => analyzeMessage(big, { dns })), { warmup: 5 });

  // test/unit/message-lint-content.test.ts: hostile HTML.
  const divs = await lintInput(htmlOnly('<p>small</p>'));
  divs.raw = Buffer.from(htmlOnly(`<html><body>${'<div>'.repeat(2_000_000)}deep text${'</div>'.repeat(100)}`));
  await bound(out, 'content lint, 10 MB of nested divs', 1000, 5, () => lintContent(divs), { warmup: 1 });
  const links = `<a href="javascript:fetch('https://x')">&lt;script&gt; &amp;amp; &#x41;&#65;&nbsp;&unknown; <a href=https://a.example/&#x3C;>x<img src=x onerror=alert(1)<table><tr><td><b><i><script>document.write('<a href=https://b.example>')</script>${'<a href="https://c.example/">c'.repeat(1_000_000)}`;
  await bound(out, 'scanHtml, a million links', 3000, 5, () => scanHtml(links), { warmup: 1 });

  // test/integration/message-lint.test.ts: header and content lint of each conformance message.
  const perMessage: number[] = [];
  let slowest = '';
  for (const file of conformanceMessages()) {
    const input = await lintInput(readFileSync(file), { bulk: true });
    const t = performance.now();
    lintHeaders(input);
    await lintContent(input);
    const ms = performance.now() - t;
    if (ms >= Math.max(0, ...perMessage)) slowest = relative(CONFORMANCE, file);
    perMessage.push(ms);
  }
  judge(out, 'lint one conformance message (headers + content)', 500, perMessage, `${perMessage.length} messages, slowest ${slowest}`);

  // test/integration/message-auth.test.ts: hostile MIME, analysed whole.
  let nested = 'From: a@sender.m1.test\r\nSubject: nest\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n';
  for (let i = 0; i < 3000; i++) nested += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
  nested += 'hello\r\n';
  for (let i = 3000; i > 0; i--) nested += `--b${i}--\r\n`;
  const huge = `From: a@sender.m1.test\r\nX-Big: ${'x'.repeat(5 * 1024 * 1024)}\r\nSubject: big\r\n\r\nbody\r\n`;
  await bound(out, 'check, 3,000 nested MIME parts', 15_000, 3, () => analyzeMessage(Buffer.from(nested), { dns, ip: '192.0.2.10' }));
  await bound(out, 'check, a 5 MB header field', 15_000, 3, () => analyzeMessage(Buffer.from(huge), { dns, ip: '192.0.2.10' }));
  return out;
}
