/**
 * Compose a test message and send it through a saved SMTP profile; past test sends below.
 */
import { Anchor, Badge, Button, Group, Loader, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SendRecord } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { errorIssues, formatDate } from '../format';
import { composeFields, headerProblems, parseRecipients, updateDraft, useDraft } from './compose-draft';
import { MessageEditor } from './MessageEditor';
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
  const send = useMutation({
    mutationFn: () => client.send.run({ ...composeFields(draft), to: parseRecipients(draft.to) }),
    onSuccess: async (record) => {
      setShown({ record, title: 'Test send' });
      await queryClient.invalidateQueries({ queryKey: ['send', 'list'] });
    },
  });
  const open = useMutation({
    mutationFn: (id: number) => client.send.get({ id }),
    onSuccess: (record) => setShown({ record, title: `Test send #${record.id ?? ''}` }),
  });
  const recipients = parseRecipients(draft.to);
  const toIssue = send.isError ? errorIssues(send.error).find((i) => i.path.startsWith('to'))?.message : undefined;
  const ready = draft.profile !== '' && recipients.length > 0 && draft.subject.trim() !== '' && draft.html.trim() !== '' && headerProblems(draft.headers).size === 0;

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
              send.reset();
            }}
            error={toIssue}
            spellCheck={false}
            autoComplete="off"
          />
          <MessageEditor />
          <Group>
            <Button onClick={() => send.mutate()} loading={send.isPending} disabled={!ready}>
              Send test
            </Button>
            {!ready && (
              <Text size="xs" c="dimmed">
                Needs a profile, a recipient, a subject and the HTML.
              </Text>
            )}
          </Group>
          {send.isError && <CallError title="Nothing was sent" error={send.error} />}
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
