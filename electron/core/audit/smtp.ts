/**
 * SMTP check: connect to each MX as a sending server would, and judge its STARTTLS.
 *
 * Senders use STARTTLS opportunistically (RFC 3207) and mostly accept any certificate, so a bad
 * certificate is a warning; but MTA-STS and DANE senders do check it, and no STARTTLS at all means
 * mail to the domain crosses the internet in clear text.
 */
import { DnsError } from '../dns/session';
import { isOldTls, probeSmtp } from '../smtp/probe';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import type { Finding, MxHost, SmtpCertificate, SmtpHostProbe } from './types';

/** At most this many MX hosts are probed (in parallel), in priority order. */
export const MAX_PROBED_HOSTS = 10;

export async function checkSmtp(ctx: AuditContext): Promise<CheckOutput<'smtp'>> {
  if (ctx.skipped('smtp')) return { check: { status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', turnedOff: true, hosts: [] }, findings: [] };
  const mx = await ctx.need('mx');
  const hosts = mx.nullMx ? [] : mx.hosts.filter((h) => h.exchange !== '').slice(0, MAX_PROBED_HOSTS);
  if (hosts.length === 0) {
    // No host because the MX lookup failed is not "nothing to probe": the hosts are unknown.
    if (mx.status === 'error' && !mx.nullMx) return { check: { status: 'error', error: `the MX lookup failed (${mx.error ?? 'unknown error'}), so there is no host to probe`, hosts: [] }, findings: [] };
    return { check: { status: 'skipped', skipped: mx.nullMx ? 'null MX: the domain receives no mail' : 'no MX host to probe', hosts: [] }, findings: [] };
  }
  const port = ctx.options.network?.smtpPort ?? 25;
  const timeoutMs = ctx.options.network?.timeoutMs ?? 10_000;
  const ca = ctx.options.network?.ca;
  const now = ctx.options.now?.() ?? new Date();

  const probes = await Promise.all(
    hosts.map(async (host): Promise<SmtpHostProbe> => {
      const address = (await addressesOf(ctx, host))[0];
      if (!address) {
        const error = host.error ? `the address lookup failed (${host.error})` : 'the host has no A or AAAA record';
        return { host: host.exchange, address: '', port, starttls: false, timings: {}, error, stage: 'address' };
      }
      return probeSmtp({ host: host.exchange, address, port, timeoutMs, ...(ca ? { ca } : {}) });
    }),
  );
  // No host took a connection (refused or timed out, every one): most likely the network the audit
  // runs from blocks outbound port 25, as most home, office and cloud networks do. That is not
  // measured, not a fault of the domain: one information finding says so and the check costs no
  // points, so the grade does not depend on the auditor's network.
  const noneConnected = probes.length > 0 && probes.every((p) => p.stage === 'connect');
  if (noneConnected) {
    return {
      check: { status: 'skipped', skipped: `not measured: no MX host took a connection on port ${port}; the network this audit ran from may block outbound port ${port}`, notMeasured: true, hosts: probes },
      findings: [allUnreachable(probes)],
    };
  }
  // A host whose address lookup failed was not probed: that says nothing about the host itself.
  const unprobed = hosts.filter((h, i) => h.error && probes[i]?.stage === 'address');
  const probed = probes.filter((p) => !unprobed.some((h) => h.exchange === p.host));
  const findings = probed.flatMap((p) => probeFindings(p, now));
  if (unprobed.length > 0) {
    const error = `not probed, the address lookup failed: ${unprobed.map((h) => `${h.exchange} (${h.error})`).join('; ')}`;
    return { check: { status: 'error', error, hosts: probes }, findings };
  }
  return { check: { status: statusOf(findings), hosts: probes }, findings };
}

async function addressesOf(ctx: AuditContext, host: MxHost): Promise<string[]> {
  if (host.addresses) return host.addresses;
  const out: string[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    try {
      out.push(...((await ctx.dns.resolve(host.exchange, type)) as string[]));
    } catch (err) {
      if (!(err instanceof DnsError)) throw err;
    }
  }
  return out;
}

/** The findings for one probed host. */
export function probeFindings(p: SmtpHostProbe, now: Date): Finding[] {
  const where = `${p.host} (${p.address || 'no address'}, port ${p.port})`;
  const evidence = [p.banner ? `banner: ${p.banner}` : null, p.error ? `error: ${p.error}` : null, p.ehlo ? `EHLO: ${p.ehlo.join(', ')}` : null]
    .filter(Boolean)
    .join('\n');
  const out: Finding[] = [];
  const failedBeforeTls = p.error !== undefined && (p.stage === undefined || ['address', 'connect', 'banner', 'ehlo'].includes(p.stage));
  if (failedBeforeTls) {
    const talked = p.stage === 'banner' || p.stage === 'ehlo';
    out.push(
      finding('smtp.unreachable', {
        title: `Could not talk SMTP to ${p.host}`,
        detail:
          (p.stage === 'address'
            ? `${p.host} has no address, so the audit could not connect to it. `
            : talked
              ? `${where} accepted the connection but did not hold an SMTP conversation: ${p.error}. `
              : `${where} did not answer: ${p.error}. `) +
          'Outbound port 25 is often blocked on home and office networks and by cloud providers, so the audit cannot tell a dead server from a blocked port: run it again from a network that allows port 25 (a server) before concluding the MX is down.',
        fix: `Make sure ${p.host} accepts SMTP connections on port 25 from the internet, or run the audit from a network where outbound port 25 is open.`,
        ...(evidence ? { evidence } : {}),
        refs: ['RFC 5321 §3.1', 'RFC 5321 §4.5.3.2'],
      }),
    );
    return out;
  }
  if (!p.starttls) {
    out.push(
      finding('smtp.no-starttls', {
        title: `${p.host} does not offer STARTTLS`,
        detail: `${where} did not list STARTTLS in its EHLO reply, so mail sent to it crosses the internet unencrypted, readable and alterable by anyone on the path. Gmail marks such mail with a red padlock.`,
        fix: `Enable STARTTLS on ${p.host} with a certificate for "${p.host}" from a public CA (Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files = /path/key.pem, /path/fullchain.pem).`,
        ...(evidence ? { evidence } : {}),
        refs: ['RFC 3207 §4', 'RFC 8314 §1'],
      }),
    );
    return out;
  }
  if (!p.tls) {
    // STARTTLS is advertised but the upgrade fails: senders fall back to clear text or give up.
    out.push(
      finding('smtp.no-starttls', {
        title: `STARTTLS on ${p.host} does not work`,
        detail: `${where} offers STARTTLS but the upgrade failed: ${p.error ?? 'unknown error'}. Opportunistic senders then deliver in clear text, and MTA-STS or DANE senders do not deliver at all.`,
        fix: `Fix the TLS setup of ${p.host}: a certificate and key the server can load, TLS 1.2 or 1.3 enabled.`,
        ...(evidence ? { evidence } : {}),
        refs: ['RFC 3207 §4', 'RFC 3207 §4.1'],
      }),
    );
    return out;
  }
  const problems = certificateProblems(p.tls.certificate, p.host, now);
  if (problems.length > 0) {
    const c = p.tls.certificate;
    out.push(
      finding('smtp.cert-invalid', {
        title: `The certificate of ${p.host} is not valid: ${problems.map((x) => x.short).join(', ')}`,
        detail: `${where} presents a certificate that ${problems.map((x) => x.long).join('; and ')}. Most senders still deliver over such TLS, but MTA-STS senders (Gmail, Microsoft) refuse to deliver to it when the domain's policy is in enforce mode.`,
        fix: `Install a certificate for "${p.host}" from a public CA (Let's Encrypt works), with its full chain, and renew it before it expires.`,
        evidence: `subject: ${c.subject}\nissuer: ${c.issuer}\nnames: ${c.names.join(', ') || '(none)'}\nvalid: ${c.validFrom} to ${c.validTo}${c.error ? `\nverify error: ${c.error}` : ''}`,
        refs: ['RFC 6125 §6.4', 'RFC 5280 §6', 'RFC 8461 §4.2'],
      }),
    );
  }
  if (isOldTls(p.tls.version)) {
    out.push(
      finding('smtp.tls-old', {
        title: `${p.host} negotiates ${p.tls.version}`,
        detail: `${where} agreed to ${p.tls.version} (${p.tls.cipher}) with a client that offered TLS 1.0 to 1.3, so it supports nothing newer. TLS 1.0 and 1.1 are deprecated and MTA-STS senders require TLS 1.2 or later.`,
        fix: `Enable TLS 1.2 and 1.3 on ${p.host} (Postfix: smtpd_tls_protocols = >=TLSv1.2 with a current OpenSSL).`,
        evidence: `${p.tls.version} ${p.tls.cipher}`,
        refs: ['RFC 8996 §1', 'RFC 8461 §5'],
      }),
    );
  }
  return out;
}

function allUnreachable(probes: SmtpHostProbe[]): Finding {
  const port = probes[0]?.port ?? 25;
  return finding('smtp.unreachable', {
    severity: 'info',
    title: probes.length === 1 ? `Not measured: could not connect to ${probes[0]?.host} on port ${port}` : `Not measured: could not connect to any of the ${probes.length} MX hosts on port ${port}`,
    detail: `${probes.length === 1 ? 'The MX host' : 'None of the MX hosts'} accepted a connection on port ${port}. Outbound port 25 is often blocked on home and office networks and by cloud providers, and when every host fails the same way that is the likely cause: the audit cannot tell a dead server from a blocked port. The SMTP check is therefore not measured and not counted in the score. Run the audit again from a network that allows port 25 (a server) to measure it.`,
    fix: 'Run the audit from a network where outbound port 25 is open, or make sure the MX hosts accept SMTP connections on port 25 from the internet.',
    evidence: probes.map((p) => `${p.host} (${p.address || 'no address'}): ${p.error ?? 'no answer'}`).join('\n'),
    refs: ['RFC 5321 §3.1', 'RFC 5321 §4.5.3.2'],
  });
}

/** What is wrong with a certificate, in words: expired, not yet valid, self-signed, untrusted, wrong name. */
export function certificateProblems(c: SmtpCertificate, host: string, now: Date): { short: string; long: string }[] {
  const out: { short: string; long: string }[] = [];
  if (c.error === 'NO_CERTIFICATE') return [{ short: 'no certificate', long: 'is missing: the server sent no certificate' }];
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  if (!Number.isNaN(to) && to < now.getTime()) out.push({ short: 'expired', long: `expired on ${c.validTo} (valid from ${c.validFrom})` });
  if (!Number.isNaN(from) && from > now.getTime()) out.push({ short: 'not yet valid', long: `is not valid before ${c.validFrom}` });
  if (!c.chainValid) {
    const code = c.error ?? '';
    if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || (code === '' && c.subject === c.issuer)) {
      out.push({ short: 'self-signed', long: `is self-signed (issuer "${c.issuer}"), so no sender can verify it` });
    } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      // Already said above from the dates.
      if (out.length === 0) out.push({ short: 'outside its validity', long: `is outside its validity period (${c.validFrom} to ${c.validTo})` });
    } else {
      out.push({ short: 'untrusted', long: `does not chain to a trusted CA (issuer "${c.issuer}"${code ? `, ${code}` : ''}); the server may be missing its intermediate certificate` });
    }
  }
  if (!c.nameMatch) out.push({ short: 'name mismatch', long: `is for ${c.names.length > 0 ? c.names.join(', ') : `"${c.subject}"`}, not for ${host}` });
  return out;
}
