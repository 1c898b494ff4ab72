/**
 * What the forms say beside their fields: the checks made while typing, the api's refusals mapped
 * to the form's own fields, and error text without field paths or command-line flags.
 */
import { describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { ApiError, fromErrorBody, toErrorBody } from '../../electron/api/errors';
import { toIpcError } from '../../electron/preload/ipc-reply';
import { apiFieldErrors, errorFields, nth } from '../../renderer/src/forms/api-errors';
import {
  addressProblem,
  domainProblem,
  fromProblem,
  hostProblem,
  ipListProblem,
  ipProblem,
  portProblem,
  problemsOf,
  recipientsProblem,
  selectorListProblem,
  variableProblem,
} from '../../renderer/src/forms/validators';
import { draftProblems } from '../../renderer/src/sending/compose-draft';
import { errorMessage } from '../../renderer/src/format';

const api = () => createApi({ dbPath: null, transport: 'http', version: 'test', emit: () => {} });

async function refusal(name: string, input: unknown): Promise<unknown> {
  const a = api();
  try {
    await a.dispatch(name, input);
  } catch (err) {
    // The renderer sees what crossed the transport: the JSON body, rebuilt.
    return fromErrorBody(JSON.parse(JSON.stringify(toErrorBody(err))));
  } finally {
    a.close();
  }
  throw new Error(`${name} accepted ${JSON.stringify(input)}`);
}

describe('checks while typing', () => {
  it('say what is wrong with a domain, a host, an IP, a port', () => {
    expect(domainProblem('')).toBe('Enter a domain');
    expect(domainProblem('not a domain')).toBe('Not a valid domain name: " " cannot appear in a domain name');
    expect(domainProblem('localhost')).toBe('Not a valid domain name: a domain name needs at least two labels, like example.com');
    // The rule the api and Batch apply: an address is refused with the same reason everywhere.
    expect(domainProblem('192.0.2.1')).toBe('Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP');
    expect(domainProblem('0x7f.1')).toMatch(/^Not a valid domain name: it is an IPv4 address \(127\.0\.0\.1 written another way\)/);
    expect(domainProblem('Example.COM.')).toBeUndefined();
    expect(domainProblem('bücher.example')).toBeUndefined();
    expect(hostProblem('smtp.example.com')).toBeUndefined();
    expect(hostProblem('127.0.0.1')).toBeUndefined();
    expect(hostProblem('me@smtp.example.com')).toMatch(/without spaces, \/ or @/);
    expect(ipProblem('')).toBeUndefined();
    expect(ipProblem('2001:db8::10')).toBeUndefined();
    expect(ipProblem('192.0.2.300')).toBe('Not an IPv4 or IPv6 address');
    expect(portProblem(0)).toMatch(/1 to 65535/);
    expect(portProblem('')).toBe('Enter a port');
    expect(portProblem(587)).toBeUndefined();
  });

  it('name every bad item of a list at once', () => {
    expect(ipListProblem('192.0.2.1, nope, 198.51.100.400')).toBe('Not IP addresses: nope, 198.51.100.400');
    expect(selectorListProblem('s1, bad selector!')).toBe('List DKIM selectors separated by commas, like "s1, google" (not a selector: selector!)');
    expect(selectorListProblem('s1 -x, _y!')).toMatch(/\(not selectors: -x, _y!\)$/);
    expect(recipientsProblem([])).toBe('Add a recipient');
    expect(recipientsProblem(['a@example.com', 'bob', 'carol@'])).toMatch(/^Not addresses: bob, carol@/);
  });

  it('check addresses, From values and variable names as the api and the core do', () => {
    expect(addressProblem('', { required: false })).toBeUndefined();
    expect(addressProblem('seed@example', { dotted: true })).toMatch(/name@example\.com/);
    expect(fromProblem('News <news@example.com>')).toBeUndefined();
    expect(fromProblem('no address here')).toMatch(/Name <address>/);
    expect(variableProblem('')).toBe('Name the environment variable that holds the secret');
    expect(variableProblem('AWS_SECRET_ACCESS_KEY')).toMatch(/start with DELIVERLAB_/);
    expect(variableProblem('DELIVERLAB_SMTP')).toBeUndefined();
  });

  it('find every problem of an empty draft, one per field', () => {
    const draft = { profile: '', to: '', subject: '', html: ' ', text: '', headers: [], dkim: { enabled: true, domain: '', selector: 'no good' } };
    const problems = Object.fromEntries(problemsOf(draftProblems(draft, undefined)));
    expect(Object.keys(problems).sort()).toEqual(['dkimDomain', 'dkimSelector', 'html', 'profile', 'subject']);
  });
});

describe('the api names the refused field and item', () => {
  it('gives the second recipient as field "to", index 1, over the transport', async () => {
    const err = await refusal('send.run', { profile: 'p', subject: 's', html: '<p>x</p>', to: ['a@example.com', 'not an address'] });
    expect(errorFields(err)).toEqual([{ field: 'to', index: 1, message: 'An address looks like name@example.com' }]);
    // The IPC path keeps the fields too.
    expect(toIpcError(toErrorBody(err)).fields).toEqual([{ field: 'to', index: 1, message: 'An address looks like name@example.com' }]);
  });

  it('maps it to the form’s own field, named as the user typed it, with no path', async () => {
    const err = await refusal('send.run', { profile: 'p', subject: 's', html: '<p>x</p>', to: ['a@example.com', 'not an address'] });
    const recipients = ['a@example.com', 'not an address'];
    const mapped = apiFieldErrors(err, { fields: { to: 'to' }, item: { to: (i) => `recipient ${recipients[i]}` } });
    expect(mapped.fields).toEqual({ to: 'Recipient not an address: An address looks like name@example.com' });
    expect(mapped.rest).toEqual([]);
    expect(errorMessage(err)).toBe('An address looks like name@example.com');
    expect(errorMessage(err)).not.toMatch(/to\.1/);
  });

  it('puts nested fields where the form says, and names the rest by label or not at all', async () => {
    const err = await refusal('send.run', { profile: '', subject: 's', html: '', to: ['a@example.com'], dkim: { domain: 'example.com', selector: 'bad selector' } });
    const mapped = apiFieldErrors(err, { fields: { profile: 'profile', html: 'html', 'dkim.selector': 'dkimSelector' } });
    expect(mapped.fields).toEqual({ profile: 'Choose a profile', html: 'Paste or open the HTML to send', dkimSelector: 'A DKIM selector is a DNS label like "s1" or "google"' });
    const unmapped = apiFieldErrors(err, { fields: {}, labels: { profile: 'SMTP profile' } });
    expect(unmapped.rest).toContain('SMTP profile: Choose a profile');
    expect(unmapped.rest.join(' ')).not.toMatch(/dkim\.selector|html:/);
    expect(nth('recipient')(1)).toBe('the 2nd recipient');
  });

  it('gives the SPF check\'s missing domain for a bare local part as its field', async () => {
    const err = await refusal('audit.spf-check', { ip: '192.0.2.1', mailFrom: 'news' });
    expect(errorFields(err)).toEqual([{ field: 'domain', message: 'Name one domain, or give a full MAIL FROM address or a HELO name' }]);
  });
});

describe('error text in the app’s words', () => {
  it('says what to do about a silent resolver without naming --resolver', () => {
    const err = fromErrorBody(toErrorBody(new ApiError('dns-unreachable', 'The DNS resolver 192.0.2.53 did not answer: ... --resolver.', undefined, { params: { resolver: '192.0.2.53', detail: 'ETIMEOUT' } })));
    expect(errorMessage(err)).toBe('The DNS resolver 192.0.2.53 did not answer (ETIMEOUT): check its address and port under Settings, or choose another.');
    const system = new ApiError('dns-unreachable', 'x', undefined, { params: { resolver: 'system' } });
    expect(errorMessage(system)).toMatch(/^The system DNS resolver did not answer: .*Settings/);
  });

  it('says history is off without naming --no-history', async () => {
    const err = await refusal('smtp.save', { profile: { name: 'x', host: 'h.example', port: 587, security: 'starttls', from: 'a@example.com' } });
    expect(errorMessage(err)).toBe('This Deliverlab was started without a history file, so nothing can be saved in it.');
  });

  it('never renders an object or undefined', () => {
    expect(errorMessage({ code: 'internal' })).not.toMatch(/undefined|\[object Object\]/);
  });
});
