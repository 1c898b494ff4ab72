/**
 * Compose a test message and send it through a saved SMTP profile; past test sends below.
 */
import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SendRecord, SendSummary } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { recipientsProblem } from '../forms/validators';
import { PastItems, type PastColumn } from '../PastItems';
import { COMPOSE_API_FIELDS, composeFields, headerProblems, parseRecipients, updateDraft, useDraft } from './compose-draft';
import { MessageEditor, useComposeCheck } from './MessageEditor';
import { CallError } from './parts';
import { SendResultView } from './SendResultView';
import { DraftSpamScore } from './DraftSpamScore';

export const SEND_COLUMNS: readonly PastColumn<SendSummary>[] = [
  { header: 'Sent', cell: (item) => formatDate(item.sentAt) },
  { header: 'Subject', wrap: true, cell: (item) => item.subject },
  { header: 'Profile', cell: (item) => item.profile },
  { header: 'Recipients', numeric: true, cell: (item) => item.recipientCount },
  {
    header: 'Result',
    cell: (item) => (
      <Badge color={item.ok ? 'green' : 'red'} variant="light">
        {item.ok ? 'accepted' : 'failed'}
      </Badge>
    ),
  },
  { header: 'Queue id', cell: (item) => item.queueId ?? '—' },
];

/** The last test sends; one opens here, above the list, rather than on a page of its own. */
function PastSends({ onOpen }: { onOpen: (id: number) => void }) {
  const client = useClient();
  return (
    <PastItems
      title="Past test sends"
      level={2}
      region="Past test sends"
      label="Past test sends"
      queryKey={['send', 'list']}
      load={(page) => client.send.list(page)}
      pageSize={20}
      columns={SEND_COLUMNS}
      open={{ action: (item) => onOpen(item.id) }}
      minWidth={640}
      loading="Loading past sends"
      failed="Past sends could not be read"
      empty="No test sends yet."
    />
  );
}

/** What spam.draft scores for the composer's draft, or why it cannot yet. */
function draftSpamRequest(draft: ReturnType<typeof useDraft>, recipients: string[]) {
  if (!draft.profile) return { problem: 'Choose a sending profile first: the draft is scored as that profile would send it.' };
  if (!draft.subject.trim() || !draft.html.trim()) return { problem: 'Enter a subject and the HTML first.' };
  const { qa, ...fields } = composeFields(draft);
  const valid = recipients.filter((r) => /^[^@\s<>]+@[^@\s<>]+$/.test(r));
  return { ...fields, ...(valid.length > 0 ? { to: valid } : {}) };
}

export function ComposePage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const draft = useDraft();
  const [shown, setShown] = useState<{ record: SendRecord; title: string } | null>(null);
  const recipients = parseRecipients(draft.to);
  const composer = useComposeCheck();
  const to = useFieldCheck<'to'>({ to: recipientsProblem(recipients) });
  const [otherError, setOtherError] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => client.send.run({ ...composeFields(draft), to: recipients }),
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: { ...COMPOSE_API_FIELDS, to: 'to' as const }, item: { to: (i) => `recipient ${recipients[i] ?? i + 1}` }, labels: { headers: 'Custom headers', text: 'Plain text' } });
      const { to: toError, ...rest } = mapped.fields;
      to.setServer(toError ? { to: toError } : {});
      composer.setServer(rest);
      setOtherError(mapped.rest.length > 0 ? mapped.rest.join(' ') : Object.keys(mapped.fields).length > 0 ? null : errorMessage(err));
    },
    onSuccess: async (record) => {
      setShown({ record, title: 'Test send' });
      await queryClient.invalidateQueries({ queryKey: ['send', 'list'] });
    },
  });
  const open = useMutation({
    mutationFn: (id: number) => client.send.get({ id }),
    onSuccess: (record) => setShown({ record, title: `Test send #${record.id ?? ''}` }),
  });
  const submit = () => {
    setOtherError(null);
    // Both checks run, so every problem shows at once.
    const okTo = to.submit();
    const okComposer = composer.submit();
    if (okTo && okComposer && headerProblems(draft.headers).size === 0) send.mutate();
  };
  const problems = to.problems.length + composer.problems.length + headerProblems(draft.headers).size;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Test send
      </Title>
      <Text size="sm" c="dimmed" maw={760}>
        Send a design to yourself or a colleague through your own server, and see what the server answered at every step.
        For where it lands at the big mailbox providers, run a placement test with the same message.
      </Text>
      <Paper withBorder p="md" component="section" aria-label="Message">
        <Stack gap="sm">
          <TextInput
            label="Recipients"
            description="Separated by commas or spaces"
            placeholder="me@example.com, colleague@example.com"
            value={draft.to}
            onChange={(e) => {
              updateDraft({ to: e.currentTarget.value });
              to.changed('to');
              send.reset();
            }}
            {...to.field('to')}
            spellCheck={false}
            autoComplete="off"
          />
          <MessageEditor check={composer} />
          <Group>
            <Button onClick={submit} loading={send.isPending}>
              Send test
            </Button>
            {(to.submitted || composer.submitted) && problems > 0 && (
              <Text size="sm" c="red" role="alert">
                Nothing was sent: {problems === 1 ? 'one field needs' : `${problems} fields need`} attention above.
              </Text>
            )}
          </Group>
          {send.isError && otherError && (
            <Alert color="red" title="Nothing was sent" role="alert">
              {otherError}
            </Alert>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Spam filters">
        <DraftSpamScore request={draftSpamRequest(draft, recipients)} changeKey={JSON.stringify(composeFields(draft))} />
      </Paper>
      {shown && <SendResultView key={`${shown.record.id ?? 'unsaved'}-${shown.record.timings.startedAt}`} result={shown.record} title={shown.title} historyError={shown.record.historyError} />}
      {open.isError && <CallError title="That send could not be opened" error={open.error} />}
      <PastSends onOpen={(id) => open.mutate(id)} />
    </Stack>
  );
}
