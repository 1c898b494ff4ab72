/**
 * The line an import shows while it runs, with the Cancel button beside it: the DMARC reports' file
 * and mailbox imports and the sending health's import share it.
 */
import { Button, Group, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { newRunId } from '../client/run-id';

/** An import under way: its run id, and whether Cancel was pressed (the loop sends nothing more). */
export interface ImportRun {
  runId: string;
  cancelled: boolean;
}

/**
 * The run an import page starts and its Cancel: `start` before the first call, `end` when the loop is
 * over; `cancel` asks the api to stop the call in flight (`cancelOp`, e.g. reports.cancel). Between two
 * calls nothing runs under the id (the api answers cancelled: false): the loop stops all the same.
 */
export function useImportRun(cancelOp: (input: { runId: string }) => Promise<unknown>) {
  const running = useRef<ImportRun | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const cancel = () => {
    const run = running.current;
    if (!run || run.cancelled) return;
    run.cancelled = true;
    setCancelling(true);
    cancelOp({ runId: run.runId }).catch(() => undefined);
  };
  const start = (): ImportRun => {
    const run = { runId: newRunId(), cancelled: false };
    running.current = run;
    setCancelling(false);
    return run;
  };
  const end = () => {
    running.current = null;
    setCancelling(false);
  };
  return { start, end, cancel, cancelling };
}

export function ImportProgress({ text, cancelling, onCancel }: { text: string; cancelling: boolean; onCancel: () => void }) {
  return (
    <Group gap="sm" wrap="wrap">
      <Text size="sm" role="status">
        {cancelling ? `${text} Stopping…` : text}
      </Text>
      <Button size="compact-sm" variant="default" onClick={onCancel} disabled={cancelling}>
        Cancel
      </Button>
    </Group>
  );
}

/** How far an import got before Cancel stopped it: `done` of `total` files or messages. */
export interface ImportStop {
  done: number;
  total: number;
}

/** "Stopped after 1,234 of 10,000 files" in the app's words; `unit` is plural ("files", "messages"). */
export function stoppedWords(stop: ImportStop, unit: string): string {
  if (stop.total === 0) return 'Stopped before anything was read';
  return `Stopped after ${stop.done.toLocaleString('en')} of ${stop.total.toLocaleString('en')} ${unit}`;
}
