import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../electron/core/audit/codes';

const root = join(import.meta.dirname, '..', '..');

describe('finding codes', () => {
  it('are pinned: renaming or dropping one breaks users’ scripts', () => {
    expect(Object.fromEntries(Object.entries(FINDING_CODES).map(([code, info]) => [code, info.severity]))).toEqual({
      'domain.nxdomain': 'critical',
      'mx.missing': 'warning',
      'mx.null': 'info',
      'mx.cname': 'warning',
      'mx.no-address': 'critical',
      'mx.no-ipv6': 'info',
      'spf.missing': 'critical',
      'spf.multiple': 'critical',
      'spf.syntax': 'critical',
      'spf.lookup-limit': 'critical',
      'spf.void-limit': 'critical',
      'spf.all-pass': 'critical',
      'spf.all-neutral': 'warning',
      'spf.ptr': 'warning',
      'spf.include-missing': 'critical',
      'spf.loop': 'critical',
      'spf.temperror': 'critical',
      'spf.macro': 'info',
      'dmarc.missing': 'critical',
      'dmarc.multiple': 'critical',
      'dmarc.syntax': 'critical',
      'dmarc.policy-none': 'warning',
      'dmarc.subdomain-weaker': 'warning',
      'dmarc.pct': 'warning',
      'dmarc.no-rua': 'warning',
      'dmarc.rua-unauthorized': 'warning',
      'dmarc.rua-no-mx': 'warning',
      'dmarc.inherited': 'info',
      'dkim.not-found': 'warning',
      'dkim.weak-key': 'critical',
      'dkim.testing': 'warning',
      'dkim.revoked': 'info',
      'dkim.syntax': 'warning',
      'mtasts.missing': 'info',
      'mtasts.syntax': 'warning',
      'mtasts.policy-unreachable': 'critical',
      'mtasts.mx-mismatch': 'critical',
      'mtasts.testing': 'info',
      'tlsrpt.missing': 'info',
      'tlsrpt.syntax': 'warning',
      'bimi.missing': 'info',
      'bimi.dmarc-not-enforced': 'warning',
      'bimi.svg-invalid': 'warning',
      'bimi.no-certificate': 'info',
      'bimi.syntax': 'warning',
      'bimi.logo-unreachable': 'warning',
      'bimi.certificate-invalid': 'warning',
      'dnssec.unsigned': 'info',
      'dane.mismatch': 'critical',
      'ptr.missing': 'warning',
      'ptr.mismatch': 'warning',
      'dnsbl.listed': 'critical',
      'dnsbl.refused': 'info',
      'smtp.unreachable': 'warning',
      'smtp.no-starttls': 'critical',
      'smtp.cert-invalid': 'warning',
      'smtp.tls-old': 'warning',
      'auth.spf-fail': 'critical',
      'auth.dkim-fail': 'critical',
      'auth.dmarc-fail': 'critical',
      'auth.not-aligned': 'warning',
      'auth.arc-fail': 'warning',
      'auth.receiver-differs': 'info',
      'header.no-message-id': 'warning',
      'header.no-date': 'warning',
      'header.date-skew': 'warning',
      'header.multiple-from': 'critical',
      'header.no-list-unsubscribe': 'warning',
      'header.no-one-click': 'warning',
      'header.one-click-unsigned': 'warning',
      'header.reply-to-mismatch': 'info',
      'header.display-name-spoof': 'warning',
      'content.no-text-part': 'warning',
      'content.gmail-clipping': 'warning',
      'content.img-no-alt': 'info',
      'content.image-heavy': 'warning',
      'content.link-mismatch': 'critical',
      'content.url-shortener': 'warning',
      'content.http-link': 'info',
      'content.no-unsubscribe-link': 'warning',
      'content.no-postal-address': 'warning',
      'content.tracking-pixel': 'info',
      'content.listed-domain': 'critical',
      'content.link-lookup-failed': 'info',
      'link.broken': 'warning',
      'link.private': 'warning',
      'link.too-many-redirects': 'warning',
      'link.insecure': 'warning',
      'link.redirect-chain': 'info',
      'link.slow': 'info',
      'link.utm-missing': 'info',
      'link.utm-inconsistent': 'info',
      'image.broken': 'warning',
      'image.insecure': 'warning',
      'image.heavy': 'warning',
      'image.total-weight': 'warning',
      'compat.unsupported': 'warning',
      'compat.partial': 'info',
      'a11y.missing-lang': 'warning',
      'a11y.img-no-alt': 'warning',
      'a11y.layout-table': 'warning',
      'a11y.heading-order': 'info',
      'a11y.vague-link': 'warning',
      'a11y.small-text': 'info',
      'a11y.low-contrast': 'warning',
      'a11y.all-caps': 'info',
      'a11y.missing-title': 'info',
      'health.complaint-rate': 'critical',
      'health.complaint-rate-elevated': 'warning',
      'health.bounce-rate': 'critical',
      'health.bounce-rate-elevated': 'warning',
      'health.bounce-spike': 'warning',
      'health.delivery-drop': 'warning',
      'health.volume-spike': 'warning',
      'health.unknown-users-rising': 'warning',
    });
  });

  it('are dotted, lower-case check.problem names whose prefix is their check', () => {
    for (const [code, info] of Object.entries(FINDING_CODES)) {
      // The check may carry digits after its first letter (a11y, as accessibility is written).
      expect(code).toMatch(/^[a-z][a-z0-9]*\.[a-z0-9-]+$/);
      // DANE findings belong to the DNSSEC check, which covers both; the domain's own existence to the
      // MX check, whose lookup is the one that finds it missing.
      const head = code.split('.')[0];
      const prefix = head === 'dane' ? 'dnssec' : head === 'domain' ? 'mx' : head;
      expect(prefix).toBe(info.check);
    }
  });

  it('are each listed in the README with their severity', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [code, info] of Object.entries(FINDING_CODES)) {
      expect(readme, `README lists ${code}`).toMatch(new RegExp(`\\|\\s*\`${code.replace('.', '\\.')}\`\\s*\\|\\s*${info.severity}\\s*\\|`));
    }
  });
});
