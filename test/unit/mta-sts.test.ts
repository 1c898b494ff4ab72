import { describe, expect, it } from 'vitest';
import { isStsRecord, mxMatches, parseStsPolicy, parseStsRecord } from '../../electron/core/audit/mtasts';
import { isTlsRptRecord, parseTlsRptRecord } from '../../electron/core/audit/tlsrpt';

describe('MTA-STS TXT record (RFC 8461 §3.1)', () => {
  it('accepts valid records, with or without spaces and a trailing ";"', () => {
    expect(parseStsRecord('v=STSv1; id=20260101T000000;')).toEqual({ id: '20260101T000000', errors: [] });
    expect(parseStsRecord('v=STSv1;id=abc')).toEqual({ id: 'abc', errors: [] });
    expect(parseStsRecord('v=STSv1; id=1; ext-1=val')).toEqual({ id: '1', errors: [] });
    expect(parseStsRecord(`v=STSv1; id=${'a'.repeat(32)}`).errors).toEqual([]);
  });

  it('rejects bad ids, a missing id, a lower-case version and empty fields', () => {
    expect(parseStsRecord('v=STSv1; id=not-valid!').errors[0]).toMatch(/1 to 32 letters and digits/);
    expect(parseStsRecord(`v=STSv1; id=${'a'.repeat(33)}`).id).toBeNull();
    expect(parseStsRecord('v=STSv1; id=').errors[0]).toMatch(/1 to 32/);
    expect(parseStsRecord('v=STSv1;').errors).toEqual(['the record has no id= field']);
    expect(parseStsRecord('v=stsv1; id=1').errors[0]).toMatch(/exactly "v=STSv1"/);
    expect(parseStsRecord('id=1; v=STSv1').errors[0]).toMatch(/must start with "v=STSv1;"/);
    expect(parseStsRecord('v=STSv1; ; id=1').errors).toContain('an empty field between two ";"');
    expect(parseStsRecord('v=STSv1; id=1; id=2').errors).toContain('id= appears more than once');
    expect(parseStsRecord('v=STSv1; ID=1').errors).toContain('the field name must be written "id" (found "ID")');
    expect(parseStsRecord('v=STSv1; id=1; junk').errors).toContain('"junk" is not a name=value field');
  });

  it('only considers TXT strings that start with v=STSv1', () => {
    expect(isStsRecord('v=STSv1; id=1')).toBe(true);
    expect(isStsRecord('v=STSv10; id=1')).toBe(false);
    expect(isStsRecord('google-site-verification=x')).toBe(false);
  });
});

describe('MTA-STS policy file (RFC 8461 §3.2)', () => {
  const good = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n';

  it('parses CRLF, LF and mixed line ends, and ignores extension keys', () => {
    const expected = { version: 'STSv1', mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAge: 604800 };
    expect(parseStsPolicy(good)).toEqual({ policy: expected, errors: [] });
    expect(parseStsPolicy(good.replace(/\r\n/g, '\n'))).toEqual({ policy: expected, errors: [] });
    expect(parseStsPolicy('version: STSv1\nmode: enforce\r\nmx: mail.example.com\nmx:*.example.net\r\nmax_age:604800   \nfuture_key: 1')).toEqual({ policy: expected, errors: [] });
    expect(parseStsPolicy(Buffer.from(good)).policy).toEqual(expected);
  });

  it('accepts mode none without mx lines, and max_age at the limit', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 31557600\n')).toEqual({ policy: { version: 'STSv1', mode: 'none', mx: [], maxAge: 31557600 }, errors: [] });
  });

  it('reports a missing version, a bad mode, max_age out of range, no mx', () => {
    expect(parseStsPolicy('mode: enforce\nmx: a.example\nmax_age: 1').errors).toEqual(['the policy has no "version: STSv1" line']);
    expect(parseStsPolicy('version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1').errors[0]).toMatch(/must be STSv1/);
    const badMode = parseStsPolicy('version: STSv1\nmode: enforcing\nmx: a.example\nmax_age: 1');
    expect(badMode.errors).toEqual(['the mode must be enforce, testing or none (found "enforcing")']);
    expect(badMode.policy).toBeNull();
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601').errors[0]).toMatch(/over the maximum of 31557600/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5').errors[0]).toMatch(/whole number/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999').errors[0]).toMatch(/whole number/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmax_age: 86400').errors).toEqual(['the policy lists no mx host']);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\nmode: testing').errors[0]).toMatch(/mode appears more than once/);
  });

  it('rejects hostile input without throwing: junk lines, bad patterns, stray CR, NUL, invalid UTF-8, huge bodies', () => {
    expect(parseStsPolicy('<html>hello</html>').errors[0]).toMatch(/line 1 is not "key: value"/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmx: *.*.example.com\nmx: exa mple.com\nmax_age: 1').errors.slice(0, 2)).toEqual([
      'line 3: "*.*.example.com" is not a host name or *.-pattern',
      'line 4: "exa mple.com" is not a host name or *.-pattern',
    ]);
    expect(parseStsPolicy('version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 1').errors[0]).toMatch(/stray carriage return/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\0\nmx: a.example\nmax_age: 1').errors[0]).toMatch(/NUL/);
    expect(parseStsPolicy(Buffer.from([0x76, 0x65, 0xff, 0xfe, 0x0a]))).toEqual({ policy: null, errors: ['the policy is not valid UTF-8 text'] });
    const huge = parseStsPolicy(`version: STSv1\nmode: enforce\nmax_age: 1\n${'mx: a.example\n'.repeat(6000)}`);
    expect(huge.errors[0]).toMatch(/over the 64 KB/);
    const noise = parseStsPolicy('garbage\n'.repeat(10_000));
    expect(noise.errors.length).toBeLessThan(20);
  });
});

describe('MX pattern matching (RFC 8461 §4.1)', () => {
  it('matches names exactly, case-insensitively, with trailing dots ignored', () => {
    expect(mxMatches('mail.example.com', 'mail.example.com')).toBe(true);
    expect(mxMatches('MAIL.Example.com.', 'mail.example.COM')).toBe(true);
    expect(mxMatches('mail2.example.com', 'mail.example.com')).toBe(false);
  });

  it('lets "*." stand for exactly one label', () => {
    expect(mxMatches('mx1.example.com', '*.example.com')).toBe(true);
    expect(mxMatches('example.com', '*.example.com')).toBe(false);
    expect(mxMatches('a.b.example.com', '*.example.com')).toBe(false);
    expect(mxMatches('xexample.com', '*.example.com')).toBe(false);
  });
});

describe('TLS-RPT record (RFC 8460 §3)', () => {
  it('reads mailto: and https: destinations', () => {
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:tls@example.com')).toEqual({ rua: ['mailto:tls@example.com'], errors: [] });
    expect(parseTlsRptRecord('v=TLSRPTv1;rua=mailto:a@example.com, https://r.example.com/tls;')).toEqual({
      rua: ['mailto:a@example.com', 'https://r.example.com/tls'],
      errors: [],
    });
  });

  it('reports other schemes, a missing rua, a bad address and a wrong version', () => {
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=ftp://x.example').errors[0]).toMatch(/must be a mailto: or https: URI/);
    expect(parseTlsRptRecord('v=TLSRPTv1;').errors).toEqual(['the record has no rua= field']);
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:nobody').errors[0]).toMatch(/not a valid mailto: address/);
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:%zz@example.com').errors[0]).toMatch(/broken %-escape/);
    expect(parseTlsRptRecord('v=tlsrptv1; rua=mailto:a@example.com').errors[0]).toMatch(/exactly "v=TLSRPTv1"/);
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:a@example.com,').errors).toEqual(['rua= has an empty entry']);
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com').errors).toEqual(['rua= appears more than once']);
  });

  it('only considers TXT strings that start with v=TLSRPTv1', () => {
    expect(isTlsRptRecord('v=TLSRPTv1; rua=mailto:a@example.com')).toBe(true);
    expect(isTlsRptRecord('v=spf1 -all')).toBe(false);
  });
});
