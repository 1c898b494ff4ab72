import { validateBimiSvg } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { dmarcProblems, isBimiRecord, parseBimiRecord } from '../../electron/core/audit/bimi';
import type { DmarcCheck } from '../../electron/core/audit/types';

describe('BIMI assertion record', () => {
  it('reads l= and a= https URLs', () => {
    expect(parseBimiRecord('v=BIMI1; l=https://x.example/logo.svg; a=https://x.example/vmc.pem')).toMatchObject({
      logoUrl: 'https://x.example/logo.svg',
      authorityUrl: 'https://x.example/vmc.pem',
      declined: false,
      errors: [],
    });
    expect(parseBimiRecord('v=BIMI1;l=https://x.example/logo.svg;')).toMatchObject({ logoUrl: 'https://x.example/logo.svg', authorityUrl: null, errors: [] });
  });

  it('recognises the declination record', () => {
    expect(parseBimiRecord('v=BIMI1; l=; a=;')).toMatchObject({ declined: true, errors: [], logoUrl: null });
    expect(parseBimiRecord('v=BIMI1;')).toMatchObject({ declined: true });
  });

  it('reports http URLs, several logos, an empty l= with a=, duplicate tags and junk', () => {
    expect(parseBimiRecord('v=BIMI1; l=http://x.example/logo.svg').errors).toEqual(['l= must be an https:// URL (found "http://x.example/logo.svg")']);
    expect(parseBimiRecord('v=BIMI1; l=https://a.example/1.svg,https://a.example/2.svg').errors).toEqual(['l= must hold one URL']);
    expect(parseBimiRecord('v=BIMI1; l=; a=https://x.example/vmc.pem').errors).toEqual(['l= (the logo URL) is empty; it is required']);
    expect(parseBimiRecord('v=BIMI1; l=https://x.example/a.svg; a=ftp://x.example/vmc.pem').errors[0]).toMatch(/a= must be an https/);
    expect(parseBimiRecord('v=BIMI1; l=https://x.example/a.svg; l=https://x.example/b.svg').errors).toContain('l= appears more than once');
    expect(parseBimiRecord('v=BIMI1; junk; l=https://x.example/a.svg').errors).toContain('"junk" is not a tag=value pair');
  });

  it('only considers TXT strings that start with v=BIMI1', () => {
    expect(isBimiRecord('v=BIMI1; l=https://x.example/a.svg')).toBe(true);
    expect(isBimiRecord('v = BIMI1')).toBe(true);
    expect(isBimiRecord('v=BIMI10; l=x')).toBe(false);
    expect(isBimiRecord('v=spf1 -all')).toBe(false);
  });
});

describe('DMARC prerequisite for BIMI', () => {
  const dmarc = (policy: DmarcCheck['policy'], tags: Record<string, string>): DmarcCheck => ({
    status: 'pass',
    record: Object.entries(tags).map(([k, v]) => `${k}=${v}`).join('; '),
    recordDomain: 'x.example',
    inherited: false,
    organizationalDomain: 'x.example',
    policy,
    policySource: 'p',
    tags,
    walk: [],
  });

  it('accepts quarantine or reject applying to all mail', () => {
    expect(dmarcProblems(dmarc('reject', { v: 'DMARC1', p: 'reject' }))).toEqual([]);
    expect(dmarcProblems(dmarc('quarantine', { v: 'DMARC1', p: 'quarantine', pct: '100', sp: 'reject' }))).toEqual([]);
  });

  it('refuses p=none, pct below 100, sp=none, no record and a DNS error', () => {
    expect(dmarcProblems(dmarc('none', { v: 'DMARC1', p: 'none' }))).toEqual(['the policy that applies is none, not quarantine or reject']);
    expect(dmarcProblems(dmarc('quarantine', { v: 'DMARC1', p: 'quarantine', pct: '50' }))).toEqual(['pct=50 (it must be 100)']);
    expect(dmarcProblems(dmarc('reject', { v: 'DMARC1', p: 'reject', sp: 'none' }))).toEqual(['sp=none']);
    // A subdomain whose parent says p=none, sp=reject: the subdomain is covered, but p=none still disqualifies.
    expect(dmarcProblems(dmarc('reject', { v: 'DMARC1', p: 'none', sp: 'reject' }))).toEqual(['p=none']);
    expect(dmarcProblems({ ...dmarc(null, {}), record: null })).toEqual(['there is no DMARC record']);
    expect(dmarcProblems({ ...dmarc(null, {}), status: 'error', error: 'ETIMEOUT' })[0]).toMatch(/could not be read \(ETIMEOUT\)/);
  });
});

describe('mailauth validateBimiSvg, as the check uses it', () => {
  it('returns for SVG Tiny PS and throws with a code otherwise', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps"><title>Brand</title></svg>';
    expect(() => validateBimiSvg(Buffer.from(ok))).not.toThrow();
    expect(() => validateBimiSvg(Buffer.from(ok.replace('<title>Brand</title>', '')))).toThrow(/missing title/);
    expect(() => validateBimiSvg(Buffer.from(ok.replace('</svg>', '<script>x</script></svg>')))).toThrow(/Unallowed element/);
    expect(() => validateBimiSvg(Buffer.from('not xml at all'))).toThrow();
  });
});
