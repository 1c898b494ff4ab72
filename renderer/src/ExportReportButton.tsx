/**
 * "Export report" on a stored audit, message analysis or placement run: the same self-contained
 * HTML file the CLI writes.
 *
 * In the desktop app the main process shows the save dialog and writes the file (report.save), so
 * the path is the user's choice there, never the page's. In serve the browser downloads it: the
 * report comes through the API like any call (token header and all) and is handed over as a Blob.
 */
import { Alert, Button, Group, NativeSelect, Stack, Text, type ButtonProps } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ExportFormat } from '../../electron/api/operations';
import { useClient } from './client/client-context';
import { errorMessage } from './format';
import { downloadFile } from './download';

type Item = { kind: 'audit' | 'message' | 'placement'; id: number } | { kind: 'portfolio'; ids: number[] };

export type ExportReportButtonProps = Item & {
  size?: ButtonProps['size'];
  variant?: ButtonProps['variant'];
};

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'html', label: 'HTML' },
  { value: 'pdf', label: 'PDF' },
  { value: 'md', label: 'Markdown' },
  { value: 'csv', label: 'CSV' },
  { value: 'json', label: 'JSON' },
];

const MIME: Record<ExportFormat, string> = {
  html: 'text/html;charset=utf-8',
  pdf: 'application/pdf',
  md: 'text/markdown;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
};

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function fallbackName(item: Item): string {
  return item.kind === 'portfolio' ? `deliverlab-portfolio-${item.ids.length}-domains` : `deliverlab-${item.kind}-${item.id}`;
}

export function ExportReportButton({ size = 'sm', variant = 'light', ...item }: ExportReportButtonProps) {
  const client = useClient();
  const selectId = useId();
  const [format, setFormat] = useState<ExportFormat>('html');
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.app.info(), staleTime: Infinity });
  const exported = useMutation({
    mutationFn: async (format: ExportFormat): Promise<string | null> => {
      const transport = info.data?.transport ?? (await client.app.info()).transport;
      if (transport === 'ipc') {
        const saved = await client.report.save(item.kind === 'portfolio' ? { kind: 'portfolio', ids: item.ids, format } : { kind: item.kind, id: item.id, format });
        return saved.saved && saved.path ? `Saved to ${saved.path}.` : null;
      }
      const input =
        item.kind === 'portfolio' ? { audits: item.ids, format } : item.kind === 'audit' ? { audits: [item.id], format } : { [item.kind]: item.id, format };
      const report = await client.report.render(input);
      const name = `${report.name ?? fallbackName(item)}.${format}`;
      downloadFile(name, report.encoding === 'base64' ? base64Bytes(report.text) : report.text, MIME[format]);
      return null;
    },
  });
  return (
    <Stack gap={4} align="flex-start" className="no-print">
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <NativeSelect
          id={selectId}
          label="Report format"
          size={size}
          data={FORMATS}
          value={format}
          onChange={(event) => {
            setFormat(event.currentTarget.value as ExportFormat);
            exported.reset();
          }}
        />
        <Button size={size} variant={variant} loading={exported.isPending} onClick={() => exported.mutate(format)} style={{ flexShrink: 0 }}>
          Export report
        </Button>
      </Group>
      {exported.data && (
        <Text size="xs" c="dimmed" role="status">
          {exported.data}
        </Text>
      )}
      {exported.isError && (
        <Alert color="red" title="The report could not be exported">
          {errorMessage(exported.error)}
        </Alert>
      )}
    </Stack>
  );
}
