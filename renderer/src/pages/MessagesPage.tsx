/**
 * The Messages area: analyse a received message, and the past analyses.
 */
import { Alert, Badge, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageList } from '../../../electron/api/operations';
import type { MessageAnalysis } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { ipProblem } from '../forms/validators';
import { MessageForm, type EnvelopeField, type MessageOptions, type MessageSubmission } from '../received/MessageForm';
import { MessageResultView } from '../received/MessageResultView';
import { base64ToBytes, headerBlock, rememberHeaders, resultColor } from '../received/message-text';
import { WHOLE_BADGE } from '../sending/parts';
import { CriticalCount, PastItems, type PastColumn } from '../PastItems';
import { navigate } from '../router';

/** A result word, whole: a badge cut to "p…" would leave only its colour to read. */
function Result({ result }: { result: string }) {
  return (
    <Badge styles={WHOLE_BADGE} color={resultColor(result)} variant="light" size="sm" tt="none">
      {result}
    </Badge>
  );
}

type Analysis = MessageList['items'][number];

export const MESSAGE_COLUMNS: readonly PastColumn<Analysis>[] = [
  { header: 'Subject', wrap: true, cell: (item) => item.subject ?? '(no subject)' },
  { header: 'From', wrap: true, cell: (item) => item.from ?? item.fromDomain ?? '—' },
  { header: 'Analysed', cell: (item) => formatDate(item.analysedAt) },
  { header: 'SPF', cell: (item) => <Result result={item.spf} /> },
  { header: 'DKIM', cell: (item) => <Result result={item.dkim} /> },
  { header: 'DMARC', cell: (item) => <Result result={item.dmarc} /> },
  { header: 'Critical', numeric: true, cell: (item) => <CriticalCount n={item.critical} /> },
];

function MessageHistory() {
  const client = useClient();
  return (
    <PastItems
      title="Past messages"
      level={2}
      region="Past messages"
      noun={['message', 'messages']}
      label="Past message analyses"
      queryKey={['messages', 'list']}
      load={(page) => client.message.list(page)}
      pageSize={50}
      pager="Message pages"
      columns={MESSAGE_COLUMNS}
      open={{ route: (item) => ({ page: 'message-item', id: item.id }) }}
      minWidth={720}
      loading="Loading past messages"
      failed="Past messages could not be read"
      empty="No message analysed yet."
    />
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
    spam: true,
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
        spam: effective.spam,
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
