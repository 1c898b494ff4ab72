/**
 * The runtime-neutral pieces of the domain rule read names exactly as Node does, so moving the rule
 * out of core (where it used node:net and node:url) changed no verdict and no reason.
 */
import { isIPv6 as nodeIsIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIPv6, normalizeDomain, toAsciiHost } from '../../electron/shared/domain-name';

/** A fixed pseudo-random sequence: the same inputs on every run. */
function sequence(seed: number) {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
}

/** Strings built from `parts`, up to `most` of them, `count` of them. */
function samples(seed: number, parts: readonly string[], most: number, count: number): string[] {
  const next = sequence(seed);
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * (most + 1)) }, () => parts[Math.floor(next() * parts.length)]).join(''));
}

describe('domain name pieces', () => {
  it('accepts as IPv6 exactly what net.isIPv6 accepts', () => {
    const named = ['::', '::1', '1::', '1.2.3.4::', '::1.2.3.4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1::2:3:4:5:6:7:8'];
    const more = ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', 'fe80::1%eth0', 'fe80::1%', '::01.2.3.4', '::1.2.3.256', ':::', '1::2::3', '::1.2.3.4:5', '2001:DB8::1', '12345::1', ':1::2'];
    // Addresses built group by group, "::" and a zone here and there, some groups not groups at all.
    const next = sequence(7);
    const pick = (options: readonly string[]) => options[Math.floor(next() * options.length)] as string;
    const built = Array.from({ length: 20_000 }, () => {
      const groups = Array.from({ length: Math.floor(next() * 10) }, () => pick(['0', 'ffff', 'ABC', '12345', '', 'g', '1.2.3.4', '255.255.255.255', '01.2.3.4', '1.2.3']));
      const text = groups.reduce((out, g, i) => out + (i === 0 ? '' : pick([':', ':', ':', '::'])) + g, '');
      return `${next() < 0.2 ? '::' : ''}${text}${next() < 0.2 ? '::' : ''}${next() < 0.1 ? pick(['%eth0', '%', '%1', '%a%b', '%a b']) : ''}`;
    });
    const cases = [...named, ...more, ...built, ...samples(7, [':', '::', '0', 'f', '.', '1.2.3.4', '%', 'x'], 12, 5_000)];
    const disagree = cases.filter((s) => isIPv6(s) !== nodeIsIPv6(s));
    expect(disagree).toEqual([]);
    // The corpus holds both answers, in numbers.
    expect(cases.filter((s) => nodeIsIPv6(s)).length).toBeGreaterThan(500);
  });

  it('maps a host to its A-labels exactly as url.domainToASCII does', () => {
    const named = ['', 'x', 'X', 'ｘ', 'y', 'bücher.example', '0x7f.1', '1.2.3', '１．２．３．４', 'a:80', 'a/b', 'a?b', 'a#b', 'a\\b', '%41.b', '[::1]', 'xn--', 'a b', '\u00ad'];
    const parts = ['a', 'b', 'x', 'y', '0', '1', '9', '0x', '.', '-', '_', ' ', 'ü', 'Ü', '１', '．', '。', ':', '/', '@', '%', '#', '?', '[', ']', '\u00ad', 'xn--'];
    const cases = [...named, ...samples(11, parts, 10, 20_000)];
    const disagree = cases.filter((s) => toAsciiHost(s) !== domainToASCII(s)).map((s) => [s, toAsciiHost(s), domainToASCII(s)]);
    expect(disagree).toEqual([]);
    expect(normalizeDomain(' Bücher.Example. ')).toBe('xn--bcher-kva.example');
  });
});
