/**
 * The operations contract: every call the UI may make and every event it may receive.
 *
 * One table, read by every transport (IPC in main/preload, HTTP in serve) and by the typed client.
 * A new feature starts by adding its operation here.
 */
import { z } from 'zod';
import type { AuditProgress, AuditResult } from '../core/audit/types';
import type { AuditSummary } from '../core/history/store';
import type { Settings } from '../core/settings';
import { isValidDomain, normalizeDomain } from '../core/domain';
import { parseResolverSpec } from '../core/dns/servers';
import type { EventName, OperationName } from './names';

export const DomainSchema = z
  .string()
  .trim()
  .min(1, 'Enter a domain')
  .max(253)
  .transform(normalizeDomain)
  .refine(isValidDomain, { message: 'Not a valid domain name' });

/** `system`, empty, or `IP[:PORT]` servers separated by commas or spaces. */
export const ResolverSchema = z
  .string()
  .trim()
  .max(1000)
  .superRefine((value, ctx) => {
    try {
      parseResolverSpec(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export const SettingsSchema = z.object({
  resolver: ResolverSchema,
  dnsTimeoutMs: z.number().int().min(200).max(30_000),
});

const HistoryIdSchema = z.object({ id: z.number().int().positive() }).strict();

export interface AppInfo {
  name: string;
  version: string;
  node: string;
  platform: string;
  /** Where the history database lives, or `:memory:`. */
  dataPath: string;
  transport: 'ipc' | 'http' | 'cli';
}

export interface HistoryList {
  items: AuditSummary[];
  total: number;
}

/** Declares an operation: its input schema, and (as a type only) its result. */
function op<Result>() {
  return <Input extends z.ZodType>(def: { input: Input; summary: string }) =>
    def as { input: Input; summary: string; readonly __result?: Result };
}

export const operations = {
  'audit.run': op<AuditResult>()({
    summary: 'Audit a domain (MX, SPF, DMARC) and store the result in history; emits audit.progress.',
    input: z
      .object({
        domain: DomainSchema,
        /** Overrides the resolver setting for this run. */
        resolver: ResolverSchema.optional(),
        /** Chosen by the caller so that it can match audit.progress events to this run. */
        runId: z.string().max(100).optional(),
      })
      .strict(),
  }),
  'history.list': op<HistoryList>()({
    summary: 'Past audits, newest first.',
    input: z
      .object({
        domain: z.string().max(253).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ limit: 100, offset: 0 }),
  }),
  'history.get': op<AuditResult>()({
    summary: 'One stored audit, whole.',
    input: HistoryIdSchema,
  }),
  'history.delete': op<{ deleted: boolean }>()({
    summary: 'Delete one stored audit.',
    input: HistoryIdSchema,
  }),
  'settings.get': op<Settings>()({
    summary: 'The current settings.',
    input: z.object({}).strict().default({}),
  }),
  'settings.set': op<Settings>()({
    summary: 'Change some settings; returns them all.',
    input: SettingsSchema.partial().strict(),
  }),
  'app.info': op<AppInfo>()({
    summary: 'Name, version and where data lives.',
    input: z.object({}).strict().default({}),
  }),
} as const satisfies Record<OperationName, { input: z.ZodType; summary: string }>;

export interface EventPayloads {
  'audit.progress': AuditProgress & { runId?: string };
}

export type Operations = typeof operations;
export type OpInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OpParsed<N extends OperationName> = z.output<Operations[N]['input']>;
export type OpResult<N extends OperationName> = NonNullable<Operations[N]['__result']>;
export type EventPayload<E extends EventName> = EventPayloads[E];

type Area<N> = N extends `${infer A}.${string}` ? A : never;

/**
 * The typed client the renderer talks to: `client.audit.run({ domain })`, `client.on('audit.progress', fn)`.
 *
 * Generated from the table, so a transport can only offer what the contract lists.
 */
export type DeliverlabClient = {
  [A in Area<OperationName>]: {
    [N in OperationName as N extends `${A}.${infer V}` ? V : never]: (input?: OpInput<N>) => Promise<OpResult<N>>;
  };
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
