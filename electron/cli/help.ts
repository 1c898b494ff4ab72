/**
 * The help text and the version: all that `deliverlab --help` and `--version` load.
 *
 * Nothing here may import a command, the api or a native module: start-up time is paid by every
 * invocation, and these two must answer at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDbPath } from '../core/paths';

const here = dirname(fileURLToPath(import.meta.url));
/** out/cli/*.js and electron/cli/*.ts both sit two folders below the package root. */
export const packageRoot = join(here, '..', '..');

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const HELP = `Deliverlab: email deliverability workbench

Usage:
  deliverlab audit <domain...> [--resolver RESOLVER] [--json] [--db PATH | --no-history]
                   [--file domains.txt|-] [--concurrency N] [--diff]
                   [--skip smtp,http,dnsbl] [--selectors s1,s2] [--sending-ip IP]...
                   [--smtp-port N] [--https-port N] [--ca-file PEM]... [--network-timeout MS]
  deliverlab check <FILE|-> [--ip IP] [--helo HOST] [--mail-from ADDRESS] [--resolver ...] [--json]
                   [--db PATH | --no-history] [--no-store-raw] [--no-link-check] [--readiness]
                   [--spam [--spamd HOST:PORT] [--rspamd URL] [--spam-timeout MS]]
  deliverlab spam status [--spamd HOST:PORT] [--rspamd URL] [--json]
  deliverlab qa <FILE|-> [--json] [--links] [--allow-private] [--clients gmail,outlook,...] [--inline-css OUT]
  deliverlab spf [<domain>] --ip IP [--helo HOST] [--mail-from ADDRESS] [--resolver ...] [--json]
  deliverlab send --profile smtp.json [--profile-name N] --to ADDRESS... --subject S --html FILE
                  [--text FILE] [--header 'Name: value']... [--dkim-domain D --dkim-selector S --dkim-key-env VAR|--dkim-key-file PEM]
                  [--ca-file PEM]... [--timeout MS] [--transcript] [--json] [--test-connection] [--db PATH | --no-history]
  deliverlab placement --profile smtp.json --seeds seeds.json [--seed NAME]... --subject S --html FILE
                  [--text FILE] [--header 'Name: value']... [--deadline 10m] [--poll MS] [--bounce-seed NAME]
                  [--cleanup | --analyse] [--ca-file PEM]... [--json]
  deliverlab placement --analyse --run ID --seeds seeds.json [--seed NAME]... [--resolver ...] [--spamd HOST:PORT] [--rspamd URL] [--json]
  deliverlab dkim-keygen <domain> --selector S [--type rsa|ed25519] [--bits 2048|3072|4096] [--out key.pem] [--json]
  deliverlab history list [--kind audits|messages|sends|placements] [--domain D] [--client NAME]
                   [--limit N] [--json] [--db PATH]
  deliverlab report <domain...> [--file LIST] --out PATH [--format html|pdf|md|csv|json] [--db PATH]
        [--browser PATH] [--brand FILE] [--client NAME] [--diff OLD.html]
        [--fresh [--resolver RESOLVER] [--skip smtp,http,dnsbl] [--selectors s1,s2] [--concurrency N] ...]
  deliverlab report --audit ID --out PATH [--format ...] | --from REPORT.html --out PATH [--format ...]
  deliverlab report --message ID | --placement ID --out PATH [--format ...] [--brand FILE] [--browser PATH]
  deliverlab reports import PATH... [--json] [--db PATH]
  deliverlab reports import --imap ACCOUNT.json --folder F [--since YYYY-MM-DD] [--move-to FOLDER] [--json]
  deliverlab reports summary|sources|tls --domain D [--since 30d|YYYY-MM-DD] [--json] [--db PATH]
                   [sources: --class compliant|forwarded|misconfigured|unknown --resolver RESOLVER]
  deliverlab health import FILE... [--format ses|sendgrid|mailgun|postmark|mailchimp|csv] [--json]
  deliverlab health summary [--domain D] [--since 30d] [--json]
  deliverlab report --client NAME --out PATH [--format ...] [--fresh ...]   (every domain of a stored client)
  deliverlab watch add DOMAIN|IP... [--client NAME] [--every 6h | --at 07:00] [--skip smtp,http,dnsbl]
                   [--resolver RESOLVER] [--selectors s1,s2] [--json] [--db PATH]
  deliverlab watch list [--client NAME] [--json] [--db PATH]
  deliverlab watch remove DOMAIN|IP|ID... [--db PATH]
  deliverlab watch run [--once] [--json] [--resolver RESOLVER] [--skip ...] [--selectors s1,s2]
                   [--concurrency N] [--smtp-port N] [--https-port N] [--ca-file PEM]... [--network-timeout MS] [--db PATH]
  deliverlab alerts list [--open] [--client NAME] [--limit N] [--json] [--db PATH]
  deliverlab alerts ack ID... [--db PATH]
  deliverlab clients add NAME [--domain D]... [--ip IP]... [--tag T]... [--notes TEXT] [--db PATH]
  deliverlab clients list [--json] [--db PATH] | clients remove NAME [--db PATH]
  deliverlab warmup plan --daily N --start N [--template standard|conservative] [--start-date YYYY-MM-DD]
                   [--ip IP | --domain D] [--out plan.csv|plan.ics] [--json]
  deliverlab warmup list [--json] [--db PATH] | warmup progress ID [--json] [--db PATH]
  deliverlab serve [--port N] [--resolver RESOLVER] [--db PATH | --no-history] [--ca-file PEM]...
  deliverlab --version

audit     Every check of each domain; --json prints one JSON object per domain per line.
          --skip leaves out the SMTP probe, the HTTPS fetches (MTA-STS, BIMI) or the blocklists.
          --file reads a list (one a line, or CSV with the domain first); --diff shows what
          changed since the previous audit of each domain.
          --smtp-port, --https-port and --ca-file point the probes at a test lab.
check     Analyse a received message (.eml, or - for stdin; up to 50 MB): SPF, DKIM, DMARC, ARC,
          BIMI, the Received hops, header and content lint, the providers' rules. Without --ip the
          connecting IP, HELO and envelope sender come from the receiving hop's Received and
          Return-Path headers. --no-store-raw keeps the analysis but not the message; --no-link-check
          leaves out the blocklist lookups of link domains. --readiness adds the readiness summary:
          a score out of 10 like mail-tester's, each item with its weight, what it took off and its
          fix (JSON: readiness { score, outOf, unchecked, explanation, items }); with --spam the
          filters' verdicts count in it.
          --spam scores the message with the spam filters (SpamAssassin's spamd, rspamd) set in
          Settings or given with --spamd and --rspamd: per filter its score, threshold, verdict and
          every rule that fired, explained and grouped (JSON: spam: [{ filter, version, score,
          threshold, verdict, rules: [{ name, score, description, group }] }]). Exit 1 when a filter
          calls it spam, 2 when a filter gave no verdict (down, past --spam-timeout, or garbled).
spam      spam status: whether each spam filter is configured and answers, its version, and how to
          install and start it on Debian, macOS and Windows. Exit 2 when a configured one does not answer.
qa        Design QA of a draft (.html, .mjml or .eml, or - for stdin) before the test send: client
          compatibility (caniemail.com data; --clients narrows the families: gmail, outlook, apple,
          yahoo, samsung, thunderbird), accessibility, size as sent with Gmail's clipping line, the
          content findings and the text part, each finding with its lines. MJML is compiled first;
          a compile error exits 2 with its lines. --links requests every link and image (tracking
          links may record a click; unsubscribe links are never opened; --allow-private for test
          labs) and looks the link domains up on the domain blocklists. --inline-css OUT writes the HTML with its CSS inlined to a new file, never over the draft.
spf       SPF check_host() for one connecting IP (exit 0 pass, 1 any other result, 2 temperror).
          Checks MAIL FROM postmaster@<domain>, or --mail-from (a local part, or an address in
          any domain); with --helo and no --mail-from, the HELO identity on its own.
send      A test message through your SMTP server (profile JSON; password from $DELIVERLAB_SMTP_PASSWORD
          or the variable auth.passwordEnv names). Exit 0 all accepted, 1 a recipient refused, 2 error.
placement Inbox placement: the test to every seed mailbox, each watched over IMAP until its copy is
          found (inbox, category:<tab>, spam, folder:<name>), a bounce report for it arrives
          (bounced), or the deadline passes (missing). deliverlab placement --help says more.
          Exit 0 every copy outside spam, 1 a copy in spam, bounced or missing, 2 an error.
dkim-keygen  A new DKIM key: the TXT record to publish, and the private key (to --out, mode 600).
history   Past audits from the local history; --kind lists message analyses, test sends or placement
          runs instead. --domain and --client (a stored client: its domains and those below them;
          sends and runs by their profile's From domain) narrow the list.
report    The latest stored audit of each domain (or --audit ID) as one file, one section per
          domain; the format comes from the --out extension unless --format names it. --from
          renders a Deliverlab HTML report again from the result embedded in it, after checking
          its SHA-256. --message ID and --placement ID report one stored message analysis or
          placement run. --fresh audits the domains first and takes every audit flag; --file reads a
          list as audit --file does. Several domains open with an overview of grades and the issues
          they share. Each domain shows its score trend over its stored audits and what changed
          since the previous one; --diff OLD.html compares each domain with its audit in that
          report instead. --client NAME goes on the cover; with no domain named, it names a stored
          client and the report covers each of its domains. --brand FILE: JSON with title, name,
          logo (PNG, JPEG or SVG path), accent (#rrggbb) and footer. pdf prints the HTML through
          Chrome, Chromium or Edge (found where they install, or --browser PATH). Exit 0 written, 2 an error (a domain with no stored audit, a changed file).
reports   DMARC aggregate and TLS reports: import files, folders and report e-mails into history,
          or the new messages of an IMAP folder (import exits 1 when a file was refused), then the summary per domain, the sources
          sending as it (compliant, forwarded, misconfigured with the fix, unknown) and whether
          enforcement is safe, and TLS results. deliverlab reports --help says more.
health    Sending health from ESP exports (SES, SendGrid, Mailgun, Postmark, Mailchimp, CSV): import
          them, then rates per provider, domain and IP against Gmail's and Yahoo's thresholds, with
          findings; summary exits 1 when a limit is exceeded. deliverlab health --help says more.
watch     Domains (a full audit, with the --skip and --selectors given) and sending IPs (blocklists,
          reverse DNS and its forward confirmation) checked on a schedule: --every 6h (the default;
          15m at least) or --at 07:00 daily, a few minutes' jitter on each. watch run checks what falls
          due until Ctrl-C; a time missed while the machine slept is checked once. watch run --once
          checks what is due and exits: 0 no alert, 1 an alert fired, 2 a check failed; with --json,
          one object { checked, alerts: [{ id, rule, target, title, detail, before?, after?, fix? }] }.
          The first check of a watch is its baseline: only finding.new-critical, for criticals present.
          Rules: finding.new-critical, score.drop, record.changed, dnsbl.listed, dnsbl.delisted,
          cert.expiring, dkim.selector-gone. Alerts go to a webhook ($DELIVERLAB_WEBHOOK_URL,
          $DELIVERLAB_WEBHOOK_FORMAT json|slack|teams, signed with $DELIVERLAB_WEBHOOK_SECRET) or by email
          through a saved profile ($DELIVERLAB_ALERT_EMAIL_PROFILE, $DELIVERLAB_ALERT_EMAIL_TO).
alerts    What the watches raised: list (--open: not acknowledged or snoozed), ack ID.
clients   Clients group domains and sending IPs; watch add --client adds to one (creating it).
warmup    The warm-up of a new or cold IP or domain: a plan day by day (volume, split by provider,
          whom to send to) as a table, CSV or calendar; a kept plan against the sending data.
          plan exits 1 when it starts above its template's first-day limit; progress exits 1 on a
          complaint or bounce rate over its limit. deliverlab warmup --help says more.
serve     The app in your browser, on 127.0.0.1 only; open the URL it prints. It has no keychain:
          profiles and seeds name an environment variable for their secret. --ca-file trusts a
          private CA for SMTP and IMAP (a test lab).

RESOLVER: system | IP[:PORT],... | https://host/dns-query (DNS-over-HTTPS) | authoritative[@IP[:PORT],...]

Exit codes: 0 no critical finding, 1 a critical finding, 2 a usage or operational error,
130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM, 141 the output's reader went away.
History lives in ${defaultDbPath()} unless --db is given.`;
