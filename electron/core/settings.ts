/**
 * User settings: stored in the history database when there is one, in memory otherwise.
 */
import { BrandError, checkBrand, MAX_LOGO_BYTES, type ReportBrand } from './report/brand';
import type { Settings } from './types';

export const DEFAULT_SETTINGS: Settings = {
  resolver: 'system',
  dnsTimeoutMs: 2500,
  dkimSelectors: '',
  spamhausDqsKey: '',
  storeRawMessages: true,
  reportBrand: {},
  clients: [],
  alertRules: { off: [], scoreDrop: 10, certDays: 21 },
  alertWebhook: { url: '', format: 'json', secretEnv: '' },
  alertEmail: { profile: '', to: [] },
  // A local resolver takes this easily; public resolvers limit each client, so lower it for those.
  watchDnsRate: 2000,
  // Off: closing the window quits, and the checks stop with it.
  keepWatchingInBackground: false,
  // No spam filter until one is named: most machines run none, and a scan is sent only where the user said.
  spamd: '',
  rspamd: '',
};

/** The branding's fields as Settings labels them, for the sentences below. */
const BRAND_WORDS: Record<keyof ReportBrand, string> = {
  title: 'The report title',
  name: 'Prepared by',
  logo: 'The logo',
  accent: 'The accent colour',
  footer: 'The footer text',
};

export interface BrandProblem {
  field: keyof ReportBrand;
  message: string;
}

/** checkBrand's refusal of one field, said as Settings says it (no JSON keys, no data URI talk). */
function brandProblem(field: keyof ReportBrand, err: BrandError): string {
  if (field === 'accent') return 'A colour written as # and 3 or 6 hex digits, like #1a6fd4';
  if (field === 'title' || field === 'name') return `${BRAND_WORDS[field]} is longer than 200 characters`;
  if (field === 'footer') return 'The footer text is longer than 1000 characters';
  if (/bytes; the limit/.test(err.message)) return `The logo is larger than ${MAX_LOGO_BYTES / 1024 / 1024} MB`;
  if (/nothing Deliverlab can draw/.test(err.message)) return 'The SVG logo holds nothing Deliverlab can draw safely (shapes, paths and text only)';
  return 'The logo must be a PNG, JPEG or SVG image';
}

/**
 * The branding as Settings saves it: each field checked by the reports' own checkBrand (an SVG logo
 * comes back sanitised), every refusal named by its field so the form can put it beside that field.
 */
export function checkReportBrandSetting(brand: ReportBrand): { brand: ReportBrand; problems: BrandProblem[] } {
  const out: ReportBrand = {};
  const problems: BrandProblem[] = [];
  for (const field of Object.keys(BRAND_WORDS) as (keyof ReportBrand)[]) {
    const value = brand[field];
    // An empty field is no branding for it, as a cleared input means.
    if (value === undefined || value.trim() === '') continue;
    try {
      Object.assign(out, checkBrand({ [field]: field === 'accent' ? value.trim() : value }));
    } catch (err) {
      if (!(err instanceof BrandError)) throw err;
      problems.push({ field, message: brandProblem(field, err) });
    }
  }
  return { brand: out, problems };
}

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
