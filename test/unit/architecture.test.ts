/**
 * The house's structural rules: no circular imports, and the walls between the layers.
 *
 * The walls are lint rules (eslint.config.js); here each one is shown to stop an import that breaks
 * it, and to let a legal one through, by linting a small file placed in the layer's folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name)) out.push(resolve(path));
  }
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Relative imports and re-exports, `import type` included.
 *
 * A cycle through types alone costs nothing at run time, but it still ties two modules together so
 * that neither can be read, moved or layered without the other.
 */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+[^'";]*?from\s+'(\.[^']+)'/gm)) {
    const base = resolve(dirname(file), m[1] as string);
    const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(existsSync);
    if (found) out.push(found);
  }
  return out;
}

describe('architecture', () => {
  it('has no circular imports in electron/ or renderer/, type imports included', () => {
    const files = [...sources(join(ROOT, 'electron')), ...sources(join(ROOT, 'renderer', 'src'))];
    const graph = new Map(files.map((f) => [f, relativeImports(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((p) => relative(ROOT, p)).join(' -> '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(files.length).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});

describe('the walls between the layers', () => {
  const eslint = new ESLint({ cwd: ROOT });

  /** What lint says of `code` saved as `filePath`: rule and message of each problem. */
  async function lint(filePath: string, code: string): Promise<{ rule: string | null; message: string }[]> {
    const [result] = await eslint.lintText(code, { filePath });
    if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
    return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
  }

  /** The problem no-restricted-imports reports for `specifier`, its message saying `why`. */
  const refused = (specifier: string, why: string) => ({
    rule: 'no-restricted-imports',
    message: expect.stringMatching(new RegExp(`^${escapeRegExp(`'${specifier}' import is restricted`)}.*${escapeRegExp(why)}`)),
  });

  describe('renderer: only the api and the runtime-neutral helpers', () => {
    const THROUGH_API = 'reaches the app only through the api';
    const TYPES_ONLY = 'Only types from this api module';

    it.each([
      ['renderer/src/wall-probe.ts', '../../electron/core/audit/types', 'import type { AuditResult } from', 'export type Shown = AuditResult;'],
      ['renderer/src/sending/wall-probe.tsx', '../../../electron/core/send/send', 'import { sendTest } from', 'export const send = sendTest;'],
      ['renderer/src/wall-probe.ts', '../../electron/serve/server', 'import { startServer } from', 'export const serve = startServer;'],
      ['renderer/src/wall-probe.ts', '../../electron/main/security', 'import { isTrustedRendererUrl } from', 'export const trusted = isTrustedRendererUrl;'],
      ['renderer/src/wall-probe.ts', '../../electron/preload/ipc-reply', 'import { unwrapReply } from', 'export const unwrap = unwrapReply;'],
      ['renderer/src/wall-probe.ts', '../../electron/cli/index', 'import { main } from', 'export const cli = main;'],
    ])('%s may not import %s', async (file, specifier, importLine, use) => {
      expect(await lint(file, `${importLine} '${specifier}';\n${use}\n`)).toEqual([refused(specifier, THROUGH_API)]);
    });

    it('takes only types from the api modules that carry zod and core', async () => {
      const code = "import { operations } from '../../electron/api/operations';\nexport const table = operations;\n";
      expect(await lint('renderer/src/wall-probe.ts', code)).toEqual([refused('../../electron/api/operations', TYPES_ONLY)]);
      const handlers = "import { createApi } from '../../../electron/api/handlers';\nexport const api = createApi;\n";
      expect(await lint('renderer/src/pages/wall-probe.tsx', handlers)).toEqual([refused('../../../electron/api/handlers', TYPES_ONLY)]);
    });

    it('lets through api types, the zod-free api modules and electron/shared', async () => {
      const code = [
        "import type { AuditResult } from '../../../electron/api/types';",
        "import type { DeliverlabClient } from '../../../electron/api/operations';",
        "import { buildClient } from '../../../electron/api/client';",
        "import { ApiError } from '../../../electron/api/errors';",
        "import { OPERATION_NAMES } from '../../../electron/api/names';",
        "import { median } from '../../../electron/shared/median';",
        'export type Shown = [AuditResult, DeliverlabClient];',
        'export const used = [buildClient, ApiError, OPERATION_NAMES, median];',
        '',
      ].join('\n');
      expect(await lint('renderer/src/sending/wall-probe.ts', code)).toEqual([]);
    });
  });

  describe('core: imports none of api, cli, serve, main, preload or renderer', () => {
    const BOTTOM = 'core is the bottom layer';

    it.each([
      ['electron/core/audit/wall-probe.ts', '../../api/operations', 'import { operations } from', 'export const table = operations;'],
      ['electron/core/wall-probe.ts', '../api/types', 'import type { Settings } from', 'export type Shown = Settings;'],
      ['electron/core/send/wall-probe.ts', '../../cli/format', 'import { formatAudit } from', 'export const format = formatAudit;'],
      ['electron/core/wall-probe.ts', '../serve/server', 'import { startServer } from', 'export const serve = startServer;'],
      ['electron/core/history/wall-probe.ts', '../../main/secret-store', 'import { safeStorageCipher } from', 'export const cipher = safeStorageCipher;'],
      ['electron/core/wall-probe.ts', '../preload/ipc-reply', 'import { unwrapReply } from', 'export const unwrap = unwrapReply;'],
      ['electron/core/message/wall-probe.ts', '../../../renderer/src/format', 'import { SEVERITY_LABEL } from', 'export const label = SEVERITY_LABEL;'],
    ])('%s may not import %s', async (file, specifier, importLine, use) => {
      expect(await lint(file, `${importLine} '${specifier}';\n${use}\n`)).toEqual([refused(specifier, BOTTOM)]);
    });

    it('lets through core itself and electron/shared', async () => {
      // Computed, not written out: the test tree may not name the folder beside the repository
      // (conformance-fixtures.test.ts), and a literal path from core up to electron/shared looks like it.
      const shared = posix.relative('electron/core/audit', 'electron/shared/median');
      const code = [
        "import { finding } from './finding';",
        "import type { DnsQueryRecord } from '../dns/types';",
        `import { median } from '${shared}';`,
        'export type Shown = DnsQueryRecord;',
        'export const used = [finding, median];',
        '',
      ].join('\n');
      expect(await lint('electron/core/audit/wall-probe.ts', code)).toEqual([]);
    });
  });

  describe('preload: only the zod-free api modules, and types', () => {
    const ZOD_FREE = 'bundles only the zod-free api modules';

    it.each([
      ['zod', "import { z } from 'zod';", 'export const schema = z.string();'],
      ['../api/handlers', "import { createApi } from '../api/handlers';", 'export const api = createApi;'],
      ['../core/audit/types', "import type { AuditResult } from '../core/audit/types';", 'export type Shown = AuditResult;'],
      ['../main/ipc', "import { registerIpc } from '../main/ipc';", 'export const ipc = registerIpc;'],
    ])('may not import %s', async (specifier, importLine, use) => {
      expect(await lint('electron/preload/wall-probe.ts', `${importLine}\n${use}\n`)).toEqual([refused(specifier, ZOD_FREE)]);
    });

    it('takes only types from operations.ts, which carries zod', async () => {
      const code = "import { operations } from '../api/operations';\nexport const table = operations;\n";
      expect(await lint('electron/preload/wall-probe.ts', code)).toEqual([refused('../api/operations', 'may take only types from this module')]);
    });

    it('keeps the stricter electron rule of the unit-tested IPC envelope beside the walls', async () => {
      const code = "import { ipcRenderer } from 'electron';\nimport { operations } from '../api/operations';\nexport const used = [ipcRenderer, operations];\n";
      expect(await lint('electron/preload/ipc-reply.ts', code)).toEqual([
        refused('electron', 'unit-tested without Electron'),
        refused('../api/operations', 'may take only types from this module'),
      ]);
    });

    it('lets through what the preload is built from', async () => {
      const code = [
        "import { contextBridge } from 'electron';",
        "import { buildClient } from '../api/client';",
        "import { isErrorBody } from '../api/errors';",
        "import { OPERATION_NAMES } from '../api/names';",
        "import type { DeliverlabClient } from '../api/operations';",
        "import { unwrapReply } from './ipc-reply';",
        'export type Shown = DeliverlabClient;',
        'export const used = [contextBridge, buildClient, isErrorBody, OPERATION_NAMES, unwrapReply];',
        '',
      ].join('\n');
      expect(await lint('electron/preload/wall-probe.ts', code)).toEqual([]);
    });
  });

  describe('electron/shared: runs in Node and the browser, imports none of the layers', () => {
    const NEUTRAL = 'electron/shared runs in Node and in the browser';

    it.each([
      ['../core/paths', "import { defaultDbPath } from '../core/paths';", 'export const where = defaultDbPath;'],
      ['../api/types', "import type { Settings } from '../api/types';", 'export type Shown = Settings;'],
      ['../../renderer/src/format', "import { SEVERITY_LABEL } from '../../renderer/src/format';", 'export const label = SEVERITY_LABEL;'],
      ['../cli/index', "import { main } from '../cli/index';", 'export const cli = main;'],
      ['node:fs', "import { readFileSync } from 'node:fs';", 'export const read = readFileSync;'],
      ['fs', "import { readFileSync } from 'fs';", 'export const read = readFileSync;'],
      ['electron', "import { app } from 'electron';", 'export const electronApp = app;'],
    ])('may not import %s', async (specifier, importLine, use) => {
      expect(await lint('electron/shared/wall-probe.ts', `${importLine}\n${use}\n`)).toEqual([refused(specifier, NEUTRAL)]);
    });

    it('may not use Node or DOM globals', async () => {
      const code = 'export const home = process.env.HOME;\nexport const title = document.title;\n';
      expect(await lint('electron/shared/wall-probe.ts', code)).toEqual([
        { rule: 'no-restricted-globals', message: expect.stringContaining(`'process'. ${NEUTRAL}`) },
        { rule: 'no-restricted-globals', message: expect.stringContaining(`'document'. ${NEUTRAL}`) },
      ]);
    });

    it('lets through its own modules and what both runtimes have', async () => {
      const code = "import { median } from './median';\nexport const later = (ms: number) => new Promise((done) => setTimeout(done, ms));\nexport const used = median;\n";
      expect(await lint('electron/shared/wall-probe.ts', code)).toEqual([]);
    });
  });
});
