/**
 * User settings: stored in the history database when there is one, in memory otherwise.
 */
import type { Settings } from './types';

export const DEFAULT_SETTINGS: Settings = {
  resolver: 'system',
  dnsTimeoutMs: 2500,
  dkimSelectors: '',
  spamhausDqsKey: '',
  storeRawMessages: true,
};

export interface SettingsBackend {
  getSetting(key: string): unknown;
  setSetting(key: string, value: unknown): void;
}

export class SettingsService {
  private readonly memory = new Map<string, unknown>();

  constructor(
    private readonly backend: SettingsBackend | null,
    private readonly defaults: Settings = DEFAULT_SETTINGS,
  ) {}

  get(): Settings {
    const out = { ...this.defaults };
    for (const key of Object.keys(out) as (keyof Settings)[]) {
      const stored = this.backend ? this.backend.getSetting(key) : this.memory.get(key);
      if (stored !== undefined && typeof stored === typeof out[key]) {
        (out as Record<string, unknown>)[key] = stored;
      }
    }
    return out;
  }

  set(patch: Partial<Settings>): Settings {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (this.backend) this.backend.setSetting(key, value);
      else this.memory.set(key, value);
    }
    return this.get();
  }
}
