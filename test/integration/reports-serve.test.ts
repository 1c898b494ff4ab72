/**
 * Report files uploaded through `deliverlab serve`, as the browser app sends them: their contents,
 * never a path on the machine, and bodies of several megabytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { aggregateXml, gzip } from '../helpers/dmarc-reports';

let serve: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-reports-serve-'));
  serve = await startServer({ port: 0, dbPath: join(dir, 'history.sqlite'), rendererDir: dir, version: '0', token: 't'.repeat(32) });
});
afterAll(async () => {
  await serve?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(op: string, input: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${serve.port}/api/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('reports over serve', () => {
  it('imports uploaded files of several megabytes, each on its own', async () => {
    // Some 3 MB of XML: past the 1 MB every other operation's body is held to.
    const records = Array.from({ length: 6000 }, (_, i) => ({ ip: `198.51.100.${i % 250}`, count: 1, dkim: 'pass' as const, spf: 'pass' as const, dkimAuth: [{ domain: 'upload.test', result: 'pass' }] }));
    const big = aggregateXml({ org: 'big.example', reportId: 'big-1', domain: 'upload.test', begin: 1_717_200_000, records });
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const { status, body } = await call('reports.import', {
      files: [
        { name: 'big.xml', data: Buffer.from(big).toString('base64') },
        { name: 'small.xml.gz', data: gzip(aggregateXml({ org: 'small.example', reportId: 's-1', domain: 'upload.test', begin: 1_717_200_000, records: records.slice(0, 3) })).toString('base64') },
        { name: 'notes.txt', data: Buffer.from('hello').toString('base64') },
      ],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, result: { imported: 2, duplicates: 0, records: 6003, refused: [{ file: 'notes.txt', code: 'not-a-report' }] } });
  });

  it('refuses a path: a page in a browser reads nothing on the machine', async () => {
    const { status, body } = await call('reports.import', { paths: ['/etc/passwd'] });
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid-input', message: "From the app, send the files' contents (files), not paths." } });
  });
});
