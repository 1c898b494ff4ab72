/**
 * The Messages area: analyse a received message, and the past analyses.
 */
import { Alert, Anchor, Badge, Group, List, Loader, Pagination, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageAnalysis } from '../../../electron/core/message/types';
import { useClient } from '../client/client-context';
import { errorIssues, errorMessage, formatDate } from '../format';
import { MessageForm, type MessageOptions, type MessageSubmission } from '../messages/MessageForm';
import { MessageResultView } from '../messages/MessageResultView';
import { base64ToBytes, headerBlock, rememberHeaders, resultColor } from '../messages/message-text';
import { navigate, routeHref } from '../router';

const PAGE_SIZE = 50;

function Result({ result }: { result: string }) {
  return (
    <Badge color={resultColor(result)} variant="light" size="sm" tt="none">
      {result}
    </Badge>
  );
}

function MessageHistory() {
  const client = useClient();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['messages', 'list', page],
    queryFn: () => client.message.list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="xs" component="section" aria-label="Past messages">
      <Group justify="space-between" align="baseline">
        <Title order={2} size="h4">
          Past messages
        </Title>
        {list.data && (
          <Text size="sm" c="dimmed">
            {list.data.total} {list.data.total === 1 ? 'message' : 'messages'}
          </Text>
        )}
      </Group>
      {list.isPending && <Loader size="sm" aria-label="Loading past messages" />}
      {list.isError && (
        <Alert color="red" title="Past messages could not be read">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.data && list.data.items.length === 0 && <Text c="dimmed" size="sm">No message analysed yet.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Past message analyses" highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>Analysed</Table.Th>
                <Table.Th>SPF</Table.Th>
                <Table.Th>DKIM</Table.Th>
                <Table.Th>DMARC</Table.Th>
                <Table.Th ta="right">Critical</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((item) => (
                <Table.Tr key={item.id} style={{ cursor: 'pointer' }} onClick={() => navigate({ page: 'message-item', id: item.id })}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Anchor href={routeHref({ page: 'message-item', id: item.id })} fw={500}>
                      {item.subject ?? '(no subject)'}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{item.from ?? item.fromDomain ?? '—'}</Table.Td>
                  <Table.Td>{formatDate(item.analysedAt)}</Table.Td>
                  <Table.Td>
                    <Result result={item.spf} />
                  </Table.Td>
                  <Table.Td>
                    <Result result={item.dkim} />
                  </Table.Td>
                  <Table.Td>
                    <Result result={item.dmarc} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text span inherit c={item.critical > 0 ? 'red' : undefined} fw={item.critical > 0 ? 700 : undefined}>
                      {item.critical}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.data && list.data.total > PAGE_SIZE && (
        <Pagination total={Math.ceil(list.data.total / PAGE_SIZE)} value={page} onChange={setPage} aria-label="Message pages" />
      )}
    </Stack>
  );
}

/** The header block of what was submitted, kept in memory for the Headers tab. */
function submittedHeaders(submission: MessageSubmission): string {
  return headerBlock(submission.encoding === 'base64' ? base64ToBytes(submission.raw) : submission.raw);
}

export function MessagesPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.settings.get() });
  const [options, setOptions] = useState<Omit<MessageOptions, 'storeRaw'> & { storeRaw: boolean | null }>({
    ip: '',
    helo: '',
    mailFrom: '',
    storeRaw: null,
    checkLinkDomains: true,
  });
  const effective: MessageOptions = { ...options, storeRaw: options.storeRaw ?? settings.data?.storeRawMessages ?? true };
  const [unsaved, setUnsaved] = useState<MessageAnalysis | null>(null);

  const check = useMutation({
    mutationFn: (submission: MessageSubmission) =>
      client.message.check({
        raw: submission.raw,
        encoding: submission.encoding,
        ...(effective.ip.trim() ? { ip: effective.ip.trim() } : {}),
        ...(effective.helo.trim() ? { helo: effective.helo.trim() } : {}),
        ...(effective.mailFrom.trim() ? { mailFrom: effective.mailFrom.trim() } : {}),
        storeRaw: effective.storeRaw,
        checkLinkDomains: effective.checkLinkDomains,
      }),
    onSuccess: async (analysis, submission) => {
      await queryClient.invalidateQueries({ queryKey: ['messages', 'list'] });
      if (analysis.id != null) {
        rememberHeaders(analysis.id, submittedHeaders(submission));
        queryClient.setQueryData(['message', analysis.id], analysis);
        setUnsaved(null);
        navigate({ page: 'message-item', id: analysis.id });
      } else {
        setUnsaved(analysis);
      }
    },
  });

  const issues = check.isError ? errorIssues(check.error) : [];

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Analyse a message
      </Title>
      <Paper p={0}>
        <MessageForm
          options={effective}
          onOptions={setOptions}
          busy={check.isPending}
          onSubmit={(submission) => {
            setUnsaved(null);
            check.mutate(submission);
          }}
        />
      </Paper>
      {check.isPending && (
        <Group gap="xs" role="status" aria-live="polite">
          <Loader size="xs" />
          <Text size="sm">Analysing {check.variables.source}…</Text>
        </Group>
      )}
      {check.isError && (
        <Alert color="red" title="The message could not be analysed" role="alert" data-testid="message-error">
          {errorMessage(check.error)}
          {issues.length > 0 && (
            <List size="sm" mt={4}>
              {issues.map((issue) => (
                <List.Item key={`${issue.path}-${issue.message}`}>
                  {issue.path ? `${issue.path}: ` : ''}
                  {issue.message}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      {unsaved && <MessageResultView analysis={unsaved} />}
      <MessageHistory />
    </Stack>
  );
}
