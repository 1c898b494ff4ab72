/**
 * Importing ESP exports: dropped or picked files, sent as their contents one at a time, and what
 * the import made of each (the format it read, what it added, the rows it refused with their lines).
 */
import { Alert, List, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HealthImportResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { FileDrop } from '../forms/FileDrop';
import { ImportProgress, stoppedWords, useImportRun, type ImportStop } from '../forms/ImportProgress';
import { bytesToBase64 } from '../received/message-text';
import { addHealthImports, count, EMPTY_IMPORT, fileSentence, totalsSentence } from './health-words';

const ACCEPT = '.json,.jsonl,.ndjson,.csv,.txt,application/json,text/csv';

export function HealthImport({ onImported }: { onImported: (result: HealthImportResult) => void }) {
  const client = useClient();
  const queries = useQueryClient();
  const [reading, setReading] = useState<{ done: number; files: number } | null>(null);
  const { start, end, cancel, cancelling } = useImportRun((input) => client.health.cancel(input));
  const imported = useMutation({
    mutationFn: async (files: File[]): Promise<HealthImportResult & { stop?: ImportStop }> => {
      let total = EMPTY_IMPORT;
      const run = start();
      let done = 0;
      setReading({ done: 0, files: files.length });
      try {
        for (const file of files) {
          if (run.cancelled) break;
          const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
          if (run.cancelled) break;
          const part = await client.health.import({ files: [{ name: file.name, data }], runId: run.runId });
          total = addHealthImports(total, part);
          // A file the stop cut short is not one of those read.
          if (!(part.stopped && part.files.some((f) => f.error !== undefined))) done++;
          setReading({ done, files: files.length });
          if (total.stopped) break;
        }
      } finally {
        setReading(null);
        end();
      }
      if (run.cancelled && done < files.length) {
        const { stopped: _cancelled, ...kept } = total;
        return { ...kept, stop: { done, total: files.length } };
      }
      return total;
    },
    onSuccess: async (result) => {
      await queries.invalidateQueries({ queryKey: ['health'] });
      onImported(result);
    },
  });
  const result = imported.data;
  return (
    <Stack gap="sm">
      <FileDrop
        prompt="Drop exports here: Amazon SES events, SendGrid, Mailgun or Postmark events (JSON), Mailchimp campaign reports or the generic CSV."
        button="Import exports"
        accept={ACCEPT}
        busy={imported.isPending}
        onFiles={(files) => imported.mutate(files)}
      />
      {reading && <ImportProgress text={`Importing: ${count(reading.done)} of ${count(reading.files)} files read.`} cancelling={cancelling} onCancel={cancel} />}
      {imported.isError && (
        <Alert color="red" title="The exports could not be imported">
          {errorMessage(imported.error)}
        </Alert>
      )}
      {result && (
        <Alert color={result.refusedRows > 0 || result.failedFiles > 0 || result.stop ? 'yellow' : 'green'} title={result.stop ? 'Import stopped' : 'Import finished'} data-testid="health-import-summary" role="status">
          <Text size="sm">
            {result.stop ? `${stoppedWords(result.stop, 'files')}: ` : ''}
            {totalsSentence(result)}
          </Text>
          {result.stop && <Text size="sm">What was imported before the stop is kept.</Text>}
          <List size="sm" mt="xs" aria-label="Files imported">
            {result.files.map((f, i) => (
              <List.Item key={i}>
                {fileSentence(f)}
                {(f.refusals.length > 0 || f.unknown.length > 0) && (
                  <List size="sm" withPadding>
                    {f.refusals.map((r) => (
                      <List.Item key={`line-${r.line}`}>
                        Line {r.line} refused: {r.reason}
                      </List.Item>
                    ))}
                    {f.unknown.map((u) => (
                      <List.Item key={`${u.kind}-${u.name}`}>
                        {u.kind === 'column' ? 'Unknown column' : u.kind === 'event-type' ? 'Unknown event type' : 'Unknown bounce type'} “{u.name}”: not counted
                      </List.Item>
                    ))}
                  </List>
                )}
              </List.Item>
            ))}
          </List>
          {result.notLookedUp > 0 && <Text size="sm">{count(result.notLookedUp)} recipient domains could not be looked up: their mail counts under Unknown.</Text>}
        </Alert>
      )}
    </Stack>
  );
}
