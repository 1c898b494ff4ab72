/**
 * Compose a test message and send it through a saved SMTP profile; past test sends below.
 */
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SendRecord } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { recipientsProblem } from '../forms/validators';
import { COMPOSE_API_FIELDS, composeFields, headerProblems, parseRecipients, updateDraft, useDraft } from './compose-draft';
import { MessageEditor, useComposeCheck } from './MessageEditor';
import { CallError } from './parts';
import { SendResultView } from './SendResultView';

const PAGE_SIZE = 20;

function PastSends({ onOpen }: { onOpen: (id: number) => void }) {
  const client = useClient();
  const list = useQuery({ queryKey: ['send', 'list'], queryFn: () => client.send.list({ limit: PAGE_SIZE, offset: 0 }), placeholderData: keepPreviousData });
  if (list.isPending) return <Loader size="sm" aria-label="Loading past sends" />;
  if (list.isError) return <CallError title="Past sends could not be read" error={list.error} />;
  if (list.data.items.length === 0) return <Text size="sm" c="dimmed">No test sends yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Past test sends" verticalSpacing={4} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Profile</Table.Th>
            <Table.Th ta="right">Recipients</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Queue id</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data.items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>
                <Anchor component="button" type="button" size="sm" onClick={() => onOpen(item.id)}>
                  {formatDate(item.sentAt)}
                </Anchor>
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{item.subject}</Table.Td>
              <Table.Td>{item.profile}</Table.Td>
              <Table.Td ta="right">{item.recipientCount}</Table.Td>
              <Table.Td>
                <Badge color={item.ok ? 'green' : 'red'} variant="light">
                  {item.ok ? 'accepted' : 'failed'}
                </Badge>
              </Table.Td>
              <Table.Td>{item.queueId ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
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
      {shown && <SendResultView key={`${shown.record.id ?? 'unsaved'}-${shown.record.timings.startedAt}`} result={shown.record} title={shown.title} historyError={shown.record.historyError} />}
      {open.isError && <CallError title="That send could not be opened" error={open.error} />}
      <section aria-label="Past test sends">
        <Title order={2} size="h4" mb="xs">
          Past test sends
        </Title>
        <PastSends onOpen={(id) => open.mutate(id)} />
      </section>
    </Stack>
  );
}
