import { describe, expect, it } from 'vitest';
import { DomainSchema } from '../../electron/api/operations';
import { MAX_AUDITED_DOMAIN } from '../../electron/shared/domain-name';

/** What the api (and so the app and the CLI) makes of a typed domain: the name, or why not. */
const parse = (input: string) => {
  const out = DomainSchema.safeParse(input);
  return out.success ? { domain: out.data } : { refused: out.error.issues.map((i) => i.message).join('; ') };
};

describe('domain input', () => {
  it.each([
    [' Example.COM. ', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['mail.123.example', 'mail.123.example'],
    ['0x7f.example.com', '0x7f.example.com'],
    ['1e1.example', '1e1.example'],
  ])('takes %j as %s', (input, domain) => {
    expect(parse(input)).toEqual({ domain });
  });

  it.each([
    ['1.2.3.4', /^Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP$/],
    ['0x7f.1', /IPv4 address \(127\.0\.0\.1 written another way\)/],
    ['0177.0.0.1', /IPv4 address \(127\.0\.0\.1 written another way\)/],
    ['1.2.3', /IPv4 address \(1\.2\.0\.3 written another way\)/],
    ['127.1', /IPv4 address \(127\.0\.0\.1 written another way\)/],
    ['192.0.2.1.', /it is an IPv4 address: /],
    ['１．２．３．４', /IPv4 address \(1\.2\.3\.4 written another way\)/],
    ['[1.2.3.4]', /address literal/],
    ['[IPv6:2001:db8::1]', /address literal/],
    ['2001:db8::1', /it is an IPv6 address: /],
    ['::ffff:192.0.2.1', /IPv6 address/],
    ['1.2.3.4.5', /last label "5" is a number/],
    ['example.123', /last label "123" is a number/],
    ['example.0x10', /last label "0x10" is a number/],
  ])('refuses the IP literal %j', (input, reason) => {
    const out = parse(input);
    expect(out).toEqual({ refused: expect.stringMatching(reason) });
  });

  it.each([
    ['exa\tmple.com', 'U+0009'],
    ['example.com\n', 'U+000A'],
    ['\rexample.com', 'U+000D'],
    ['exa\u0000mple.com', 'U+0000'],
    ['exa\u007fmple.com', 'U+007F'],
    ['exa\u0085mple.com', 'U+0085'],
  ])('refuses %j, with its control character named, instead of removing it', (input, code) => {
    expect(parse(input)).toEqual({ refused: expect.stringContaining(`control character (${code})`) });
  });

  it.each([
    ['%41.example', /"%" cannot appear in a domain name/],
    ['exa mple.com', /" " cannot appear/],
    ['user@example.com', /"@" cannot appear/],
    ['https://example.com', /":" cannot appear/],
    ['com', /at least two labels/],
    ['a..example', /empty label/],
    ['-a.example', /hyphen/],
    [`${'a'.repeat(64)}.example`, /longer than 63/],
    ['', /Enter a domain/],
  ])('refuses %j, saying why', (input, reason) => {
    expect(parse(input)).toEqual({ refused: expect.stringMatching(reason) });
  });

  it('refuses at once a name whose <selector>._domainkey. form would pass 253 octets', () => {
    // The longest built-in selector is "everlytickey1" (resources/dkim-selectors.json): 13 + 12 + 228 = 253.
    expect(MAX_AUDITED_DOMAIN).toBe(228);
    const label = 'a'.repeat(61);
    const longest = `${label}.${label}.${label}.${'b'.repeat(228 - 3 * 62 - 5)}.test`;
    expect(longest).toHaveLength(228);
    expect(parse(longest)).toEqual({ domain: longest });
    expect(`everlytickey1._domainkey.${longest}`).toHaveLength(253);
    const tooLong = `c${longest}`;
    expect(parse(tooLong)).toEqual({ refused: expect.stringMatching(/229 characters long: the longest the audit can look up is 228/) });
    // _dmarc.<name> alone would fit for this one: the rule is the longest name the audit asks for.
    expect(`_dmarc.${tooLong}`.length).toBeLessThanOrEqual(253);
  });
});
