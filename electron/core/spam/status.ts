/**
 * Whether each filter is configured and answers, its version, and how to install it where it is not.
 */
import { parseRspamdUrl, parseSpamdAddress, RSPAMD_DEFAULT_URL, showHostPort, SPAMD_DEFAULT_PORT } from './config';
import { SpamFilterFailure } from './errors';
import { rspamdVersion } from './rspamd';
import { cachedSpamdVersion } from './spamc';
import type { SpamFilterConfig, SpamFilterStatus, SpamInstallHelp, SpamStatus } from './types';

/** A status check waits less than a scan: a filter that answers at all answers a probe at once. */
export const STATUS_TIMEOUT_MS = 5000;

export const INSTALL_HELP: { spamassassin: SpamInstallHelp; rspamd: SpamInstallHelp } = {
  spamassassin: {
    address: `127.0.0.1:${SPAMD_DEFAULT_PORT}`,
    debian: ['sudo apt-get install spamassassin spamd', 'sudo systemctl enable --now spamd'],
    macos: ['brew install spamassassin', `sudo spamd --daemonize --local --listen=127.0.0.1:${SPAMD_DEFAULT_PORT}`],
    windows: [
      `docker run -d --name spamd -p 127.0.0.1:${SPAMD_DEFAULT_PORT}:${SPAMD_DEFAULT_PORT} debian:12 sh -c "apt-get update && apt-get install -y spamassassin spamd && exec spamd --local --allowed-ips=0.0.0.0/0 --listen=0.0.0.0:${SPAMD_DEFAULT_PORT} --username=debian-spamd"`,
      'Or in WSL: install Debian with the line below, then run the Debian commands in it.', 'wsl --install -d Debian',
    ],
  },
  rspamd: {
    address: RSPAMD_DEFAULT_URL,
    debian: ['sudo apt-get install rspamd', 'sudo systemctl enable --now rspamd'],
    macos: ['brew install rspamd', 'brew services start rspamd'],
    windows: ['docker run -d --name rspamd -p 127.0.0.1:11333:11333 rspamd/rspamd', 'Or in WSL: install Debian with the line below, then run the Debian commands in it.', 'wsl --install -d Debian'],
  },
};

async function spamdStatus(address: string | null, timeoutMs: number): Promise<SpamFilterStatus> {
  const base = { filter: 'spamassassin' as const, install: INSTALL_HELP.spamassassin };
  if (!address) return { ...base, configured: false, address: null, reachable: false };
  try {
    const parsed = parseSpamdAddress(address);
    const version = await cachedSpamdVersion(parsed, { timeoutMs }, true);
    return { ...base, configured: true, address: showHostPort(parsed), reachable: true, version };
  } catch (err) {
    return { ...base, configured: true, address, reachable: false, error: words(err) };
  }
}

async function rspamdStatus(url: string | null, timeoutMs: number): Promise<SpamFilterStatus> {
  const base = { filter: 'rspamd' as const, install: INSTALL_HELP.rspamd };
  if (!url) return { ...base, configured: false, address: null, reachable: false };
  try {
    const parsed = parseRspamdUrl(url);
    const version = await rspamdVersion(parsed, { timeoutMs });
    return { ...base, configured: true, address: parsed, reachable: true, version };
  } catch (err) {
    return { ...base, configured: true, address: url, reachable: false, error: words(err) };
  }
}

const words = (err: unknown) => (err instanceof SpamFilterFailure ? err.message : `The check failed: ${(err as Error).message}`);

/** Both filters' state, asked at the same time. */
export async function spamStatus(config: SpamFilterConfig, timeoutMs = STATUS_TIMEOUT_MS): Promise<SpamStatus> {
  const filters = await Promise.all([spamdStatus(config.spamd, timeoutMs), rspamdStatus(config.rspamd, timeoutMs)]);
  return { filters };
}
