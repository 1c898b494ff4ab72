/**
 * Issue 4's speed bound: `check` (analyzeMessage) against mailauth's `authenticate` alone, on the
 * same messages with a warm DNS cache; the overhead must stay under 15 %.
 *
 * The messages: every conformance .eml (test/fixtures/conformance/mime and dmarc-reports) that
 * analyzeMessage accepts, plus realistic marketing mail (an HTML newsletter with images and links, a
 * promotion with inline images and a PDF, a long digest, a receipt), DKIM-signed with keys published
 * in the bench's own zone; test/helpers/bench-messages.ts builds them.
 *
 * How the comparison is kept fair:
 * - same messages, same bytes: each side gets the identical Buffer;
 * - same envelope: the same ip, helo, sender and authserv-id (mta) on both sides, so mailauth does
 *   the same SPF, DKIM, DMARC, ARC and BIMI work in both;
 * - same resolver, same cache warmth: one DnsSession per message, shared by both sides (its
 *   `resolve` is mailauth's resolver on the authenticate side, and analyzeMessage's `dns`), and every
 *   message is run through both once before timing, so every answer comes from that cache and each
 *   side pays the same per-lookup cost (the cache hit and its transcript entry), never a round trip;
 * - the DNS fixture server runs in a child process, so even the warm-up's answers cost nothing here;
 * - sequential: one call at a time. Messages per second is a batch: each tool goes through every
 *   message in turn (as `deliverlab check *.eml` does, or a loop over authenticate()), the order of
 *   the two tools swapped every round so background load on a shared machine hits both alike. The
 *   figure is the median round, so one round slowed by the machine does not swing it, and the
 *   garbage collection each tool causes counts against it, as it does for a user;
 * - two tools per pass, never three: a third tool that shares code with one side (authenticate with
 *   CRLF input, or runMailauth) warms that side's code and skews the comparison (measured: 11-13 %
 *   with two tools, 20-23 % for the same code with authenticate run twice per round);
 * - `check` as the CLI runs it: link domains are looked up on the domain blocklists
 *   (checkLinkDomains, on by default), through the same warm session.
 *
 * Printed beside the judged figure, not judged: the two tools interleaved message by message (each
 * call straight after the other's, on caches the other just used), and what check's own analysis
 * adds to the mailauth steps it runs. check does not call authenticate() itself: it runs the same
 * mailauth steps without mailauth's stream parser (electron/core/message/mailauth-run.ts, held equal
 * to authenticate by test/integration/mailauth-run.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate } from 'mailauth';
import { analyzeMessage, MessageInputError } from '../../electron/core/message/analyze';
import { runMailauth } from '../../electron/core/message/mailauth-run';
import { DnsSession } from '../../electron/core/dns/session';
import type { BenchMessage } from '../helpers/bench-messages';
import type { BenchRow } from './row';

/** The overhead issue 4 allows `check` over mailauth's authenticate alone. */
export const OVERHEAD_LIMIT = 0.15;

const MTA = 'deliverlab';

/** Writes the zone where the child DNS server can read it. */
export function writeZone(zone: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'deliverlab-msgbench-')), 'messages.zone');
  writeFileSync(file, zone);
  return file;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export interface MessageBenchResult {
  rows: BenchRow[];
  verdicts: string[];
}

/**
 * Times authenticate alone and analyzeMessage on every message, with warm caches.
 *
 * Each comparison is its own pass of two tools, so neither side is favoured by a third one that
 * shares its code: a pass with authenticate and runMailauth beside check would warm mailauth's code
 * for one side only.
 */
export async function runMessageBench(messages: readonly BenchMessage[], port: number, options: { rounds?: number } = {}): Promise<MessageBenchResult> {
  const servers = [{ address: '127.0.0.1', port }];
  const sessionFor = () => new DnsSession({ servers, timeoutMs: 2000, tries: 2 });

  // Messages analyzeMessage refuses (not a message at all) are left out of both sides.
  type Entry = { m: BenchMessage; dns: DnsSession };
  const accepted: Entry[] = [];
  const refused: string[] = [];
  const envelope = (m: BenchMessage) => ({ ip: m.ip, helo: m.helo, ...(m.sender ? { sender: m.sender } : {}), mta: MTA });
  const check = (e: Entry) => analyzeMessage(e.m.raw, { dns: e.dns, ip: e.m.ip, helo: e.m.helo, ...(e.m.sender ? { mailFrom: e.m.sender } : {}), mta: MTA, checkLinkDomains: true });
  const auth = (e: Entry) => authenticate(e.m.raw, { ...envelope(e.m), resolver: e.dns.resolve as (name: string, type: string) => Promise<string[][] | string[]> });
  const steps = (e: Entry) => runMailauth(e.m.raw, { ...envelope(e.m), resolver: e.dns.resolve, strict: true });
  for (const m of messages) {
    const entry = { m, dns: sessionFor() };
    try {
      // The warm-up: every answer either side will ask for lands in this session's cache.
      await check(entry);
      await auth(entry);
      accepted.push(entry);
    } catch (err) {
      if (!(err instanceof MessageInputError)) throw err;
      refused.push(m.name);
    }
  }
  const n = accepted.length;
  const rounds = options.rounds ?? 60;

  /**
   * Round totals of two tools over every message. Batch: each tool goes through all messages in
   * turn. Interleaved: message by message, each call right after the other tool's.
   */
  const pass = async (tools: readonly ((e: Entry) => Promise<unknown>)[], mode: 'batch' | 'interleaved'): Promise<number[][]> => {
    // Warm-up, untimed, until the JIT has settled on both tools' code.
    for (let r = 0; r < 10; r++) for (const e of accepted) for (const tool of tools) await tool(e);
    const totals = tools.map(() => [] as number[]);
    const call = async (k: number, e: Entry, round: number[]) => {
      const t = performance.now();
      await (tools[k] as (e: Entry) => Promise<unknown>)(e);
      round[k] = (round[k] as number) + performance.now() - t;
    };
    for (let r = 0; r < rounds; r++) {
      const round = tools.map(() => 0);
      // The order of the tools swaps every round (and, interleaved, every message).
      const order = (flip: boolean) => (flip ? [1, 0] : [0, 1]);
      if (mode === 'batch') {
        for (const k of order(r % 2 === 1)) for (const e of accepted) await call(k, e, round);
      } else {
        for (let i = 0; i < n; i++) for (const k of order((r + i) % 2 === 1)) await call(k, accepted[i] as Entry, round);
      }
      round.forEach((t, k) => totals[k]?.push(t));
      // Each session keeps its answers but not its transcript: a real check starts with an empty one,
      // and a transcript grown by hundreds of repetitions would only make every collection slower.
      for (const e of accepted) e.dns.transcript.length = 0;
    }
    return totals;
  };

  const batch = await pass([auth, check], 'batch');
  const interleaved = await pass([auth, check], 'interleaved');
  const own = await pass([steps, check], 'batch');

  // Throughput: a round's total over the batch, the median over the rounds (one round slowed by the
  // machine does not swing it; the garbage collection each tool causes stays in, as it does for a user).
  const perMessage = (totals: number[]) => median(totals) / n;
  const p95 = (totals: number[]) => ([...totals].sort((a, b) => a - b)[Math.min(totals.length - 1, Math.floor(0.95 * totals.length))] as number) / n;
  const marketing = accepted.filter((e) => e.m.ip === '192.0.2.25').length;
  const note = `${n} messages (${marketing} marketing) as a batch, ${rounds} rounds; median and p95 of round means`;
  const row = (name: string, totals: number[], extra = ''): BenchRow => ({
    name,
    runs: rounds * n,
    median: perMessage(totals),
    p95: p95(totals),
    perSecond: 1000 / perMessage(totals),
    note: `${note}${extra}`,
  });
  const [authTotals, checkTotals] = batch as [number[], number[]];
  const [stepsTotals, checkOwnTotals] = own as [number[], number[]];
  const rows: BenchRow[] = [
    row('message mailauth authenticate alone, warm DNS', authTotals),
    row('message check (analyzeMessage), warm DNS', checkTotals),
    row("message check's mailauth steps alone (runMailauth)", stepsTotals, '; a pass of its own with check'),
  ];
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  const overhead = perMessage(checkTotals) / perMessage(authTotals) - 1;
  const [iAuth, iCheck] = interleaved as [number[], number[]];
  const verdicts = [
    `check: ${(1000 / perMessage(checkTotals)).toFixed(0)} messages/s against authenticate alone ${(1000 / perMessage(authTotals)).toFixed(0)} messages/s: overhead ${percent(overhead)} against ${OVERHEAD_LIMIT * 100} %: ${overhead < OVERHEAD_LIMIT ? 'within' : 'OVER'}`,
    `  interleaved message by message with authenticate (not a batch): overhead ${percent(perMessage(iCheck) / perMessage(iAuth) - 1)}`,
    `  the analysis check adds to the mailauth steps it runs: ${((perMessage(checkOwnTotals) - perMessage(stepsTotals)) * 1000).toFixed(0)} µs per message (${percent(perMessage(checkOwnTotals) / perMessage(stepsTotals) - 1)})`,
  ];
  if (refused.length) verdicts.push(`left out of both sides, refused as not a message: ${refused.join(', ')}`);
  for (const e of accepted) e.dns.cancel();
  return { rows, verdicts };
}
