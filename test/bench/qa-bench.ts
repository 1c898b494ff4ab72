/**
 * Issue 13's bound: design QA of a 100 KB email, without the link check, well under 100 ms.
 *
 * The email is a realistic newsletter built here (a <style> block with media queries, a header,
 * product rows in nested layout tables with inline styles, images, links, a footer), so that every
 * check has work: compatibility over hundreds of elements and declarations, the cascade for
 * contrast and sizes, the content lint, the text part and the message as a test send builds it.
 */
import { runQa } from '../../electron/core/qa/run';
import { bound, type Bounded } from './bound';

/** The bound the issue sets. */
export const QA_LIMIT_MS = 100;

/** A newsletter of about `bytes` bytes of HTML. */
export function newsletter(bytes = 100 * 1024): string {
  const head = `<!DOCTYPE html>
<html lang="en" xmlns:v="urn:schemas-microsoft-com:vml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The spring collection is here</title>
<style>
body { margin: 0; padding: 0; background-color: #f2f2f2; }
.wrapper { width: 100%; background-color: #f2f2f2; }
.card { background-color: #ffffff; border-radius: 6px; }
.button a { display: inline-block; padding: 12px 24px; background-color: #0b57d0; color: #ffffff; text-decoration: none; border-radius: 4px; }
.muted { color: #666666; }
@media (max-width: 600px) { .column { display: block !important; width: 100% !important; } .hide-mobile { display: none !important; } }
@media (prefers-color-scheme: dark) { .card { background-color: #1e1e1e !important; } .card p { color: #eeeeee !important; } }
</style>
</head>
<body>
<div style="display:none;max-height:0;overflow:hidden;font-size:1px;color:#f2f2f2">New dresses, shirts and shoes for spring, and free delivery all week.</div>
<table role="presentation" class="wrapper" width="100%" cellpadding="0" cellspacing="0">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" class="card">
<tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#222222">
<img src="https://cdn.shop.example/logo.png" width="160" height="40" alt="Example Shop" style="display:block;border:0">
<h1 style="margin:24px 0 8px;font-size:28px;line-height:34px;color:#111111">The spring collection is here</h1>
<p style="margin:0 0 16px">Light fabrics, bright colours and shoes for long walks: everything new this season, with free delivery until Sunday.</p>
</td></tr>
`;
  const foot = `<tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:14px;line-height:20px;color:#555555">
<p style="margin:0 0 8px">Example Shop Ltd, 10 Market Street, Springfield, IL 62701, USA.</p>
<p style="margin:0">You receive this email because you signed up at shop.example. <a href="https://shop.example/preferences?u=42" style="color:#0b57d0">Change your email preferences</a> or <a href="https://shop.example/unsubscribe?u=42" style="color:#0b57d0">unsubscribe</a>.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  const row = (i: number) => `<tr><td style="padding:0 24px 24px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr>
<td class="column" width="200" valign="top" style="padding:0 16px 0 0"><a href="https://shop.example/p/${i}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=spring"><img src="https://cdn.shop.example/p/${i}.jpg" width="200" height="200" alt="Product ${i}: a linen shirt in sky blue" style="display:block;border:0;width:100%;height:auto"></a></td>
<td class="column" valign="top" style="font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#222222">
<h2 style="margin:0 0 8px;font-size:20px;line-height:26px;color:#111111">Linen shirt no. ${i}</h2>
<p style="margin:0 0 12px">Cut from washed linen that softens with every wear, with mother-of-pearl buttons and a relaxed fit for warm days.</p>
<p class="muted" style="margin:0 0 12px;font-size:14px">From 49 euros, in five colours and sizes S to XXL.</p>
<table role="presentation" cellpadding="0" cellspacing="0" class="button"><tr><td style="border-radius:4px;background-color:#0b57d0"><a href="https://shop.example/p/${i}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=spring" style="display:inline-block;padding:12px 24px;font-family:Helvetica,Arial,sans-serif;font-size:16px;color:#ffffff;text-decoration:none">See linen shirt no. ${i}</a></td></tr></table>
</td>
</tr>
</table>
</td></tr>
`;
  let body = '';
  for (let i = 1; Buffer.byteLength(head + body + foot) < bytes; i++) body += row(i);
  return head + body + foot;
}

export async function runQaBench(): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const draft = Buffer.from(newsletter());
  const sample = await runQa(draft, { name: 'newsletter.html' });
  const note = `${(draft.length / 1024).toFixed(0)} KB of HTML, ${(sample.htmlBytes / 1024).toFixed(0)} KB as sent, ${sample.findings.length} findings, no link check`;
  await bound(out, 'qa of a 100 KB newsletter', QA_LIMIT_MS, 50, () => runQa(draft, { name: 'newsletter.html' }), { warmup: 10, note });
  return out;
}
