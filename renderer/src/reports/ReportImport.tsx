/**
 * Importing DMARC aggregate and TLS reports: dropped or picked files, sent as their contents (the
 * same in the desktop app and in a browser), and what the import made of each.
 */
import { Alert, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ImportResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { FileDrop } from '../forms/FileDrop';
import { ImportProgress, useImportRun, type ImportStop } from '../forms/ImportProgress';
import { bytesToBase64 } from '../received/message-text';
import { ImportSummary } from './ImportSummary';
import { MailboxImport } from './MailboxImport';
import { addImports, count, importBatches } from './report-words';

const ACCEPT = '.xml,.gz,.zip,.eml,.mbox,.json,application/xml,text/xml,application/gzip,application/zip,message/rfc822,application/json';

export function ReportImport({ onImported }: { onImported: (result: ImportResult) => void }) {
  const client = useClient();
  const queries = useQueryClient();
  const [progress, setProgress] = useState<{ done: number; files: number } | null>(null);
  const { start, end, cancel, cancelling } = useImportRun((input) => client.reports.cancel(input));
  const imported = useMutation({
    mutationFn: async (files: File[]): Promise<ImportResult & { stop?: ImportStop }> => {
      let total: ImportResult = { imported: 0, duplicates: 0, refused: [], records: 0, messages: 0, reports: [] };
      const run = start();
      let before = 0;
      setProgress({ done: 0, files: files.length });
      const off = client.on('reports.progress', (event) => {
        if (event.runId === run.runId) setProgress({ done: before + event.done, files: files.length });
      });
      try {
        for (const batch of importBatches(files)) {
          if (run.cancelled) break;
          const contents = await Promise.all(batch.map(async (f) => ({ name: f.name, data: bytesToBase64(new Uint8Array(await f.arrayBuffer())) })));
          if (run.cancelled) break;
          const part = await client.reports.import({ files: contents, runId: run.runId });
          total = addImports(total, part);
          if (part.stopped) {
            before += part.done ?? 0;
            break;
          }
          before += batch.length;
        }
      } finally {
        off();
        setProgress(null);
        end();
      }
      // A Cancel that came after the last batch was in stops nothing: the import finished.
      if (run.cancelled && before < files.length) {
        const { stopped: _cancelled, ...kept } = total;
        return { ...kept, stop: { done: before, total: files.length } };
      }
      return total;
    },
    onSuccess: async (result) => {
      await queries.invalidateQueries({ queryKey: ['reports'] });
      onImported(result);
    },
  });
  const result = imported.data;
  return (
    <Stack gap="sm">
      <FileDrop
        prompt="Drop report files here: DMARC reports (XML, gzip, zip, or e-mails carrying them) and TLS reports (JSON)."
        button="Import reports"
        accept={ACCEPT}
        busy={imported.isPending}
        onFiles={(files) => imported.mutate(files)}
      />
      {progress && <ImportProgress text={`Importing: ${count(progress.done)} of ${count(progress.files)} files read.`} cancelling={cancelling} onCancel={cancel} />}
      {imported.isError && (
        <Alert color="red" title="The reports could not be imported">
          {errorMessage(imported.error)}
        </Alert>
      )}
      {result && <ImportSummary result={result} {...(result.stop ? { stop: result.stop } : {})} />}
      <MailboxImport onImported={onImported} />
    </Stack>
  );
}
