/**
 * "Export report" on a stored audit, message analysis or placement run: the same self-contained
 * HTML file the CLI writes.
 *
 * In the desktop app the main process shows the save dialog and writes the file (report.save), so
 * the path is the user's choice there, never the page's. In serve the browser downloads it: the
 * report comes through the API like any call (token header and all) and is handed over as a Blob.
 */
import { Alert, Button, Stack, Text, type ButtonProps } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useClient } from './client/client-context';
import { errorMessage } from './format';

export interface ExportReportButtonProps {
  kind: 'audit' | 'message' | 'placement';
  id: number;
  size?: ButtonProps['size'];
  variant?: ButtonProps['variant'];
}

/** Hands `text` to the browser as a file download. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportReportButton({ kind, id, size = 'sm', variant = 'light' }: ExportReportButtonProps) {
  const client = useClient();
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.app.info(), staleTime: Infinity });
  const exported = useMutation({
    mutationFn: async (): Promise<string | null> => {
      const transport = info.data?.transport ?? (await client.app.info()).transport;
      if (transport === 'ipc') {
        const saved = await client.report.save({ kind, id, format: 'html' });
        return saved.saved && saved.path ? `Saved to ${saved.path}.` : null;
      }
      const input = kind === 'audit' ? { audits: [id], format: 'html' as const } : { [kind]: id, format: 'html' as const };
      const report = await client.report.render(input);
      download(`${report.name ?? `deliverlab-${kind}-${id}`}.html`, report.text);
      return null;
    },
  });
  return (
    <Stack gap={4} align="flex-start">
      <Button size={size} variant={variant} loading={exported.isPending} onClick={() => exported.mutate()} style={{ flexShrink: 0 }}>
        Export report
      </Button>
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
