/**
 * The line an import shows while it runs, with the Cancel button beside it: the DMARC reports' file
 * and mailbox imports and the sending health's import share it.
 */
import { Button, Group, Text } from '@mantine/core';

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
