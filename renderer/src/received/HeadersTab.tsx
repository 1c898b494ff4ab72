/**
 * The header findings, and the header block itself as the receiver got it.
 *
 * The block comes from the stored raw message when it was kept, else from this tab's memory of the
 * input, else only the Received headers the analysis carries.
 */
import { Code, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Finding, MessageAnalysis } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { FindingList } from '../result/FindingList';
import { base64ToBytes, headerBlock, rememberedHeaders } from './message-text';

const blockStyle = { whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 'var(--mantine-font-size-xs)' } as const;

function RawHeaders({ analysis }: { analysis: MessageAnalysis }) {
  const client = useClient();
  const id = analysis.id ?? null;
  const remembered = id !== null ? rememberedHeaders(id) : undefined;
  const raw = useQuery({
    queryKey: ['message', 'raw-headers', id],
    queryFn: async () => headerBlock(base64ToBytes((await client.message.raw({ id: id ?? 0 })).raw)),
    enabled: id !== null && remembered === undefined,
    retry: false,
    staleTime: Infinity,
  });
  const headers = remembered ?? raw.data;
  if (headers !== undefined) {
    return (
      <Code block style={blockStyle} data-testid="raw-headers">
        {headers}
      </Code>
    );
  }
  if (raw.isLoading) return <Loader size="sm" aria-label="Loading the headers" />;
  const received = analysis.hops.map((h) => `Received: ${h.raw}`).join('\n');
  return (
    <Stack gap={4}>
      <Text size="sm" c="dimmed">
        The raw message was not kept in history, so only the Received headers the analysis read are shown.
      </Text>
      {received && (
        <Code block style={blockStyle} data-testid="raw-headers">
          {received}
        </Code>
      )}
    </Stack>
  );
}

export function HeadersTab({ analysis, findings }: { analysis: MessageAnalysis; findings: Finding[] }) {
  return (
    <Stack gap="lg">
      <section aria-label="Header findings">
        <Title order={3} size="h5" mb={6}>
          Header checks
        </Title>
        <FindingList findings={findings} />
      </section>
      <section aria-label="Raw headers">
        <Title order={3} size="h5" mb={6}>
          Raw headers
        </Title>
        <RawHeaders analysis={analysis} />
      </section>
    </Stack>
  );
}
