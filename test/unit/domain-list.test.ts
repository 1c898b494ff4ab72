/**
 * Reading a list of domains: the one rule behind the Batch page and `deliverlab audit --file`.
 */
import { describe, expect, it } from 'vitest';
import { DomainSchema } from '../../electron/api/operations';
import { firstCsvField, listedDomain, parseDomainList } from '../../electron/shared/domain-list';

/** What the api says of a typed domain, the words the Audit page and the CLI show. */
const apiRefusal = (input: string) => {
  const out = DomainSchema.safeParse(input);
  return out.success ? undefined : out.error.issues.map((i) => i.message).join('; ');
};

describe('domain list', () => {
  it('takes one domain per line, skipping blanks and # comments', () => {
    const list = parseDomainList('good.test\n\n  # our clients\nbad.test  \r\nmonitor.test\n');
    expect(list).toEqual({ domains: ['good.test', 'bad.test', 'monitor.test'], problems: [] });
  });

  it('takes a comment after the domain, but not a # inside a word', () => {
    const list = parseDomainList('good.test  # main brand\nbad.test\t#old\nhttps://monitor.test/#pricing\n');
    expect(list).toEqual({ domains: ['good.test', 'bad.test', 'monitor.test'], problems: [] });
  });

  it('drops a byte-order mark and reads CRLF, LF and lone CR line ends', () => {
    expect(parseDomainList('\uFEFFdomain\r\na.test\rb.test\nc.test')).toEqual({ domains: ['a.test', 'b.test', 'c.test'], problems: [] });
  });

  it('takes the first column of CSV and skips a header row', () => {
    const csv = 'Domain,Client,Notes\nexample.com,ACME,"big, important"\n"example.org","Foo ""Bar""",x\nexample.net;semicolon;sep\nexample.info\tTab\tsep\n';
    expect(parseDomainList(csv)).toEqual({ domains: ['example.com', 'example.org', 'example.net', 'example.info'], problems: [] });
    expect(parseDomainList('company_domain,name\nexample.com,x').domains).toEqual(['example.com']);
    expect(parseDomainList('website\nexample.com').domains).toEqual(['example.com']);
    expect(parseDomainList('# exported 2026-11-26\n\n"Email address",Name\nceo@example.com,x').domains).toEqual(['example.com']);
    expect(parseDomainList(',Client\nexample.com,x')).toEqual({ domains: ['example.com'], problems: [] });
  });

  it('lists invalid lines as problems, with line numbers and the reason, and keeps the rest', () => {
    const list = parseDomainList('good.test\nnot a domain\n,no first cell\n-bad-.test\nlocalhost\nbad.test');
    expect(list.domains).toEqual(['good.test', 'bad.test']);
    expect(list.problems).toEqual([
      { line: 2, text: 'not a domain', kind: 'not-a-domain', reason: 'Not a valid domain name: " " cannot appear in a domain name' },
      { line: 3, text: ',no first cell', kind: 'no-domain', reason: 'No domain in the first column' },
      { line: 4, text: '-bad-.test', kind: 'not-a-domain', reason: 'Not a valid domain name: a label cannot start or end with a hyphen (RFC 1123 §2.1)' },
      { line: 5, text: 'localhost', kind: 'not-a-domain', reason: 'Not a valid domain name: a domain name needs at least two labels, like example.com' },
    ]);
  });

  it('does not take a bad first line for a header unless it names a column', () => {
    expect(parseDomainList('not a domain\ngood.test').problems).toHaveLength(1);
    expect(parseDomainList('examplecom\ngood.test').problems).toEqual([expect.objectContaining({ line: 1, text: 'examplecom', kind: 'not-a-domain' })]);
    expect(parseDomainList('Domain\ngood.test').problems).toHaveLength(0);
    // Only the first line with content can be a header.
    expect(parseDomainList('good.test\nDomain').problems).toEqual([expect.objectContaining({ line: 2, text: 'Domain' })]);
  });

  it.each([
    '192.0.2.1',
    '0x7f.1',
    '1.2.3',
    '１．２．３．４',
    '[192.0.2.1]',
    '2001:db8::1',
    'example.123',
    'exa\u0085mple.com',
    `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(45)}.test`,
  ])('refuses %j in the words the api uses for the same domain typed on the Audit page', (input) => {
    const reason = apiRefusal(input);
    expect(reason).toMatch(/^Not a valid domain name: /);
    const list = parseDomainList(`good.test\n${input}\n`);
    expect(list.domains).toEqual(['good.test']);
    expect(list.problems).toEqual([{ line: 2, text: input.trim(), kind: 'not-a-domain', reason }]);
  });

  it('refuses an address hiding in a URL or an email address, saying it is one', () => {
    expect(parseDomainList('http://192.0.2.1/\nceo@[192.0.2.1]').problems.map((p) => p.reason)).toEqual([
      'Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP',
      'Not a valid domain name: it is an address literal ([192.0.2.1]): to check an address, give it as a sending IP',
    ]);
  });

  it('normalises case, trailing dots, URLs, addresses and internationalised names', () => {
    expect(listedDomain('Example.COM.')).toEqual({ ok: true, domain: 'example.com' });
    expect(listedDomain('https://www.Example.com/contact?x=1')).toEqual({ ok: true, domain: 'www.example.com' });
    expect(listedDomain('ceo@example.com')).toEqual({ ok: true, domain: 'example.com' });
    expect(listedDomain('bücher.example')).toEqual({ ok: true, domain: 'xn--bcher-kva.example' });
    expect(listedDomain('com')).toEqual({ ok: false, reason: 'a domain name needs at least two labels, like example.com' });
    expect(listedDomain('exa mple.com')).toEqual({ ok: false, reason: '" " cannot appear in a domain name' });
    expect(listedDomain(`${'a'.repeat(64)}.com`)).toEqual({ ok: false, reason: expect.stringMatching(/longer than 63 characters/) });
    expect(listedDomain('=cmd|calc.example')).toEqual({ ok: false, reason: '"=" cannot appear in a domain name' });
    expect(listedDomain('file:///etc/passwd')).toEqual({ ok: false, reason: '":" cannot appear in a domain name' });
  });

  it('audits a domain listed twice once, and says so', () => {
    const list = parseDomainList('a.test\nA.test.\nhttps://a.test/\nb.test');
    expect(list.domains).toEqual(['a.test', 'b.test']);
    expect(list.problems).toEqual([
      { line: 2, text: 'A.test.', kind: 'repeated', reason: 'a.test is already in the list; it is audited once' },
      { line: 3, text: 'https://a.test/', kind: 'repeated', reason: 'a.test is already in the list; it is audited once' },
    ]);
  });

  it('stops at the batch limit and reports the lines over it', () => {
    const text = Array.from({ length: 5 }, (_, i) => `d${i}.test`).join('\n');
    const list = parseDomainList(text, 3);
    expect(list.domains).toEqual(['d0.test', 'd1.test', 'd2.test']);
    expect(list.problems.map((p) => p.line)).toEqual([4, 5]);
    expect(list.problems[0]).toMatchObject({ kind: 'over-limit', reason: expect.stringMatching(/limit of 3/) });
    expect(parseDomainList(text).domains).toHaveLength(5);
  });

  it('reads quoted first fields', () => {
    expect(firstCsvField('"a,b",c')).toBe('a,b');
    expect(firstCsvField('"say ""hi""",x')).toBe('say "hi"');
    expect(firstCsvField('plain,x')).toBe('plain');
  });
});
