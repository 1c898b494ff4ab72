/**
 * Importing DMARC aggregate and TLS reports: dropped or picked files, sent as their contents (the
 * same in the desktop app and in a browser), and what the import made of each.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ImportResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { FileDrop } from '../forms/FileDrop';
import { bytesToBase64 } from '../received/message-text';
import { ImportSummary, newRunId } from './ImportSummary';
import { MailboxImport } from './MailboxImport';
import { addImports, count, importBatches } from './report-words';

const ACCEPT = '.xml,.gz,.zip,.eml,.mbox,.json,application/xml,text/xml,application/gzip,application/zip,message/rfc822,application/json';

export function ReportImport({ onImported }: { onImported: (result: ImportResult) => void }) {
  const client = useClient();
  const queries = useQueryClient();
  const [progress, setProgress] = useState<{ done: number; files: number } | null>(null);
  const imported = useMutation({
    mutationFn: async (files: File[]) => {
      let total: ImportResult = { imported: 0, duplicates: 0, refused: [], records: 0, messages: 0, reports: [] };
      const runId = newRunId();
      let before = 0;
      setProgress({ done: 0, files: files.length });
      const off = client.on('reports.progress', (event) => {
        if (event.runId === runId) setProgress({ done: before + event.done, files: files.length });
      });
      try {
        for (const batch of importBatches(files)) {
          const contents = await Promise.all(batch.map(async (f) => ({ name: f.name, data: bytesToBase64(new Uint8Array(await f.arrayBuffer())) })));
          total = addImports(total, await client.reports.import({ files: contents, runId }));
          before += batch.length;
          if (total.stopped) break;
        }
      } finally {
        off();
        setProgress(null);
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
      {progress && (
        <Text size="sm" role="status">
          Importing: {count(progress.done)} of {count(progress.files)} files read.
        </Text>
      )}
      {imported.isError && (
        <Alert color="red" title="The reports could not be imported">
          {errorMessage(imported.error)}
        </Alert>
      )}
      {result && <ImportSummary result={result} />}
      <MailboxImport onImported={onImported} />
    </Stack>
  );
}
