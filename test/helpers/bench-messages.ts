/**
 * The messages the message bench times, also held by test/integration/mailauth-run.test.ts: every
 * conformance .eml (test/fixtures/conformance/mime and dmarc-reports), plus realistic marketing
 * mail built here (an HTML newsletter with images and links, a promotion with inline images and a
 * PDF, a long digest, a receipt), DKIM-signed with keys published in the zone that comes with them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { dkimSign } from 'mailauth';
import { rsaKeyTxt } from '../lab/dns-server';
import { CONFORMANCE, conformanceMessages } from './conformance';

const DOMAIN = 'news.msgbench.test';

/** Quoted-printable (RFC 2045 §6.7) for the bench's generated text: soft breaks at 76 characters. */
function qp(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let encoded = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      encoded += byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09) ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
    }
    while (encoded.length > 75) {
      let cut = 75;
      // Never split an =XX escape.
      if (encoded[cut - 1] === '=') cut -= 1;
      else if (encoded[cut - 2] === '=') cut -= 2;
      out.push(`${encoded.slice(0, cut)}=`);
      encoded = encoded.slice(cut);
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

const base64Lines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** Deterministic pseudo-random bytes: binary attachments that do not compress to nothing. */
function noise(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const FOOTER_HTML = `<p style="font-size:12px;color:#666">You receive this because you subscribed at ${DOMAIN}. <a href="https://${DOMAIN}/unsubscribe?u=8f2c1a">Unsubscribe</a> or <a href="https://${DOMAIN}/preferences?u=8f2c1a">manage preferences</a>.<br>Example Outfitters Ltd, 123 Main Street, Springfield, IL 62701, USA</p>`;
const FOOTER_TEXT = `Unsubscribe: https://${DOMAIN}/unsubscribe?u=8f2c1a\nExample Outfitters Ltd, 123 Main Street, Springfield, IL 62701, USA`;

function newsletterHtml(items: number, withCid: boolean): string {
  const blocks: string[] = [];
  for (let i = 0; i < items; i++) {
    const img = withCid && i < 2 ? `cid:hero${i}@${DOMAIN}` : `https://cdn.${DOMAIN}/img/product-${i}.jpg`;
    blocks.push(
      `<tr><td style="padding:16px;font-family:Arial,sans-serif"><a href="https://click.${DOMAIN}/c/${i}?u=8f2c1a"><img src="${img}" alt="Product ${i}: autumn jacket" width="560" height="280" style="display:block;border:0"></a>` +
        `<h2 style="font-size:20px;color:#222">Autumn jacket no. ${i} — 20 % off</h2><p style="font-size:15px;line-height:22px;color:#333">Water-resistant, breathable and made from recycled fabric. Our customers call it the jacket for every season: light enough for September, warm enough for November. Sizes XS to XXL, six colours, free returns for 60 days.</p>` +
        `<p><a href="https://www.${DOMAIN}/products/${i}?utm_source=newsletter&amp;utm_medium=email" style="background:#0a6;color:#fff;padding:10px 18px;text-decoration:none">Shop now</a></p></td></tr>`,
    );
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Autumn collection</title><style>body{margin:0;padding:0} td{vertical-align:top}</style></head><body><table width="600" align="center" cellpadding="0" cellspacing="0" role="presentation">${blocks.join('\n')}<tr><td>${FOOTER_HTML}</td></tr></table><img src="https://open.${DOMAIN}/o/8f2c1a.gif" width="1" height="1" alt="" style="display:none"></body></html>`;
}

function newsletterText(items: number): string {
  const lines: string[] = ['Our autumn collection is here.', ''];
  for (let i = 0; i < items; i++) lines.push(`Autumn jacket no. ${i} — 20 % off: https://www.${DOMAIN}/products/${i}`);
  return `${lines.join('\n')}\n\n${FOOTER_TEXT}\n`;
}

function marketingHeaders(subject: string, id: number, extra: string[] = []): string[] {
  return [
    `Received: from out.${DOMAIN} (out.${DOMAIN} [192.0.2.25]) by mx.receiver.example with ESMTPS id 4Xk9 for <reader@receiver.example>; Thu, 26 Nov 2026 09:59:58 +0000`,
    `Return-Path: <bounce-8f2c1a@${DOMAIN}>`,
    `From: Example Outfitters <hello@${DOMAIN}>`,
    'To: reader@receiver.example',
    `Subject: ${subject}`,
    'Date: Thu, 26 Nov 2026 09:59:50 +0000',
    `Message-ID: <${id}.8f2c1a@${DOMAIN}>`,
    'MIME-Version: 1.0',
    `List-Unsubscribe: <https://${DOMAIN}/unsubscribe/one-click?u=8f2c1a>, <mailto:unsubscribe@${DOMAIN}?subject=unsubscribe>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    `List-ID: Autumn news <autumn.${DOMAIN}>`,
    `Feedback-ID: ${id}:autumn:newsletter:example-outfitters`,
    ...extra,
  ];
}

/** Realistic marketing and transactional mail, as a bulk sender sends it. */
function marketingMessages(): { name: string; text: string }[] {
  const alt = (html: string, text: string, boundary: string) =>
    [
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp(text),
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp(html),
      `--${boundary}--`,
    ].join('\r\n');

  const newsletter = [...marketingHeaders('Our autumn collection is here', 1001), alt(newsletterHtml(12, false), newsletterText(12), 'alt-1001'), ''].join('\r\n');

  const promo = [
    ...marketingHeaders('20 % off this weekend only', 1002),
    'Content-Type: multipart/mixed; boundary="mix-1002"',
    '',
    '--mix-1002',
    'Content-Type: multipart/related; boundary="rel-1002"',
    '',
    '--rel-1002',
    alt(newsletterHtml(6, true), newsletterText(6), 'alt-1002'),
    ...[0, 1].flatMap((i) => [
      '--rel-1002',
      `Content-Type: image/png; name="hero${i}.png"`,
      'Content-Transfer-Encoding: base64',
      `Content-ID: <hero${i}@${DOMAIN}>`,
      `Content-Disposition: inline; filename="hero${i}.png"`,
      '',
      base64Lines(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise(24 * 1024, 7 + i)])),
    ]),
    '--rel-1002--',
    '--mix-1002',
    'Content-Type: application/pdf; name="lookbook.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="lookbook.pdf"',
    '',
    base64Lines(Buffer.concat([Buffer.from('%PDF-1.7\n'), noise(160 * 1024, 42)])),
    '--mix-1002--',
    '',
  ].join('\r\n');

  // A long digest: the HTML alone near Gmail's clipping size, sent base64-encoded.
  const digestHtml = newsletterHtml(80, false);
  const digest = [
    ...marketingHeaders('Your weekly digest: 80 picks', 1003, [
      `Received: from relay.${DOMAIN} (relay.${DOMAIN} [10.1.2.3]) by out.${DOMAIN} with ESMTP id 77aa; Thu, 26 Nov 2026 09:59:55 +0000`,
      `Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=${DOMAIN}; dkim=pass header.d=${DOMAIN}; dmarc=pass header.from=${DOMAIN}`,
    ]),
    'Content-Type: multipart/alternative; boundary="alt-1003"',
    '',
    '--alt-1003',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(newsletterText(80)),
    '--alt-1003',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(digestHtml, 'utf8')),
    '--alt-1003--',
    '',
  ].join('\r\n');

  // Transactional: no list headers, a short receipt.
  const receiptHtml = `<html><body><p>Hi Sam,</p><p>thank you for your order <b>#48213</b>. Total: €129.00.</p><p><a href="https://www.${DOMAIN}/orders/48213">View your order</a></p><p>Example Outfitters Ltd, 123 Main Street, Springfield, IL 62701, USA</p></body></html>`;
  const receipt = [
    `Return-Path: <bounce-48213@${DOMAIN}>`,
    `From: Example Outfitters <orders@${DOMAIN}>`,
    'To: Sam <sam@receiver.example>',
    `Reply-To: support@${DOMAIN}`,
    'Subject: Your order #48213',
    'Date: Thu, 26 Nov 2026 09:59:50 +0000',
    `Message-ID: <48213.receipt@${DOMAIN}>`,
    'MIME-Version: 1.0',
    alt(receiptHtml, 'Hi Sam,\n\nthank you for your order #48213. Total: €129.00.\nView it: https://www.news.msgbench.test/orders/48213\n', 'alt-48213'),
    '',
  ].join('\r\n');

  return [
    { name: 'newsletter', text: newsletter },
    { name: 'promo with images and PDF', text: promo },
    { name: 'digest', text: digest },
    { name: 'receipt', text: receipt },
  ];
}

export interface BenchMessage {
  name: string;
  raw: Buffer;
  ip: string;
  helo: string;
  sender?: string;
}

/** The bench's zone (SPF, DKIM keys, DMARC for the marketing domain) and the signed messages. */
export async function benchMessages(): Promise<{ zone: string; messages: BenchMessage[] }> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const ed = generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  // RFC 8463 §4.2: the ed25519 key record holds the raw 32-byte key, the SPKI's last 32 bytes.
  const edPublic = ed.publicKey.subarray(ed.publicKey.length - 32).toString('base64');
  const zone = [
    `${DOMAIN}. TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
    `_dmarc.${DOMAIN}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${DOMAIN}"`,
    `s2026._domainkey.${DOMAIN}. TXT ${rsaKeyTxt(rsa.publicKey)}`,
    `ed2026._domainkey.${DOMAIN}. TXT "v=DKIM1; k=ed25519; p=${edPublic}"`,
  ].join('\n');

  const messages: BenchMessage[] = [];
  for (const m of marketingMessages()) {
    const keys = [
      { signingDomain: DOMAIN, selector: 's2026', privateKey: rsa.privateKey },
      ...(m.name === 'receipt' ? [{ signingDomain: DOMAIN, selector: 'ed2026', privateKey: ed.privateKey }] : []),
    ];
    // mailauth 7 takes its keys as signatureData (a top-level key alone signs nothing).
    const signed = await dkimSign(m.text, {
      ...(keys[0] as (typeof keys)[number]),
      signatureData: keys,
      canonicalization: 'relaxed/relaxed',
      headerList: ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'feedback-id', 'reply-to'],
    });
    if (signed.errors.length) throw new Error(`signing ${m.name}: ${JSON.stringify(signed.errors)}`);
    messages.push({ name: m.name, raw: Buffer.from(signed.signatures + m.text), ip: '192.0.2.25', helo: `out.${DOMAIN}`, sender: `bounce-8f2c1a@${DOMAIN}` });
  }

  for (const file of conformanceMessages()) {
    const raw = readFileSync(file);
    const head = raw.subarray(0, 64 * 1024).toString('latin1');
    const returnPath = /^Return-Path:\s*<?([^<>\s]+@[^<>\s]+)>?/im.exec(head)?.[1];
    const from = /^From:[^\n]*?<?([^<>\s"]+@[^<>\s"]+?)>?\s*$/im.exec(head)?.[1];
    const sender = returnPath ?? from;
    messages.push({ name: relative(CONFORMANCE, file), raw, ip: '192.0.2.10', helo: 'mta.sender.example', ...(sender ? { sender } : {}) });
  }
  return { zone, messages };
}
