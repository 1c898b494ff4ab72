/**
 * The Messages area: analyse a received message, and the past analyses.
 */
import { Alert, Anchor, Badge, Group, Loader, Pagination, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageAnalysis } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { ipProblem } from '../forms/validators';
import { MessageForm, type EnvelopeField, type MessageOptions, type MessageSubmission } from '../messages/MessageForm';
import { MessageResultView } from '../messages/MessageResultView';
import { base64ToBytes, headerBlock, rememberHeaders, resultColor } from '../messages/message-text';
import { WHOLE_BADGE } from '../mail/parts';
import { navigate, routeHref } from '../router';

const PAGE_SIZE = 50;

/** A result word, whole: a badge cut to "p…" would leave only its colour to read. */
function Result({ result }: { result: string }) {
  return (
    <Badge styles={WHOLE_BADGE} color={resultColor(result)} variant="light" size="sm" tt="none">
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
  const envelope = useFieldCheck<EnvelopeField>({
    ip: ipProblem(options.ip),
    helo: /\s/.test(options.helo.trim()) ? 'A host name, without spaces' : undefined,
    mailFrom: /\s/.test(options.mailFrom.trim()) ? 'An address or a local part, without spaces' : undefined,
  });
  const [otherError, setOtherError] = useState<string | null>(null);

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
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: { ip: 'ip', helo: 'helo', mailFrom: 'mailFrom' }, labels: { raw: 'The message' } });
      envelope.setServer(mapped.fields);
      setOtherError(mapped.rest.length > 0 ? mapped.rest.join(' ') : Object.keys(mapped.fields).length > 0 ? 'See the envelope fields above.' : errorMessage(err));
    },
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

  const setEnvelope = (next: typeof options) => {
    for (const key of ['ip', 'helo', 'mailFrom'] as const) if (next[key] !== options[key]) envelope.changed(key);
    setOptions(next);
  };

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Analyse a message
      </Title>
      <Paper p={0}>
        <MessageForm
          options={effective}
          onOptions={setEnvelope}
          busy={check.isPending}
          fields={{ ip: envelope.field('ip'), helo: envelope.field('helo'), mailFrom: envelope.field('mailFrom') }}
          mayRun={() => envelope.submit()}
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
          {otherError}
        </Alert>
      )}
      {unsaved && <MessageResultView analysis={unsaved} />}
      <MessageHistory />
    </Stack>
  );
}
