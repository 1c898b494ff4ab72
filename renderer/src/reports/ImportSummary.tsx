/**
 * What an import made of its files or messages, shown the same for a file import and an import from
 * a mailbox.
 */
import { Alert, List, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ImportResult } from '../../../electron/api/types';
import { stoppedWords, type ImportStop } from '../forms/ImportProgress';
import { count } from './report-words';

/** Names this import's progress events among any other page's. */

/**
 * What an import made of its files or messages: the counts, why it stopped early, each refusal;
 * `children` adds lines of its own. `stop`: Cancel stopped it there (`unit` counts what it read).
 */
export function ImportSummary({
  result,
  refusedLabel = 'Refused files',
  stop,
  unit = 'files',
  children,
}: {
  result: ImportResult;
  refusedLabel?: string;
  stop?: ImportStop;
  unit?: string;
  children?: ReactNode;
}) {
  const counts = `${count(result.imported)} imported, ${count(result.duplicates)} already imported, ${count(result.refused.length)} refused; ${count(result.records)} records added.`;
  return (
    <Alert color={result.refused.length > 0 || stop ? 'yellow' : 'green'} title={stop ? 'Import stopped' : 'Import finished'} data-testid="import-summary" role="status">
      <Text size="sm">{stop ? `${stoppedWords(stop, unit)}: ${counts}` : counts}</Text>
      {stop && <Text size="sm">What was imported before the stop is kept.</Text>}
      {children}
      {result.stopped && !stop && <Text size="sm">The import stopped early: {result.stopped}</Text>}
      {result.refused.length > 0 && (
        <List size="sm" mt="xs" aria-label={refusedLabel}>
          {result.refused.map((r, i) => (
            <List.Item key={i}>
              {r.file}: {r.reason}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
