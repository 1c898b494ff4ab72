/**
 * What a test send did: per recipient the server's answer, the Message-ID and queue id, timings,
 * the error in words, and the SMTP conversation.
 */
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { QaSummary, SendResult } from '../../../electron/api/types';
import { QaSummaryNote } from '../qa/QaSummaryNote';
import { formatDate, formatDuration } from '../format';
import { Fact } from '../checks/parts';
import { SendErrorAlert, Transcript, Warnings } from './parts';

/** What happened to one recipient, in the app's words: a recipient the send never reached was not refused. */
export const RECIPIENT_WORDS: Record<SendResult['recipients'][number]['status'], { word: string; color: string }> = {
  accepted: { word: 'accepted', color: 'green' },
  rejected: { word: 'refused', color: 'red' },
  'not-sent': { word: 'not sent', color: 'gray' },
};

export function SendResultView({ result, title, historyError }: { result: SendResult & { qa?: QaSummary }; title: string; historyError?: string | undefined }) {
  const accepted = result.recipients.filter((r) => r.status === 'accepted').length;
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid="send-result">
      <Stack gap="sm">
        <Group gap="sm">
          <Title order={3} size="h5">
            {title}
          </Title>
          {result.ok ? (
            <Badge color="green">accepted</Badge>
          ) : (
            <Badge color="red">{accepted > 0 ? 'partly refused' : 'not sent'}</Badge>
          )}
          <Text size="sm" c="dimmed">
            through {result.profile}
          </Text>
        </Group>
        {result.error && <SendErrorAlert error={result.error} />}
        {result.qa && <QaSummaryNote summary={result.qa} />}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
          <Fact label="Message-ID">{result.messageId ?? '—'}</Fact>
          <Fact label="Queue id">
            <span data-testid="queue-id">{result.queueId ?? '—'}</span>
          </Fact>
          <Fact label="Started">{formatDate(result.timings.startedAt)}</Fact>
          <Fact label="Took">
            {formatDuration(result.timings.totalMs)}
            {result.timings.acceptedMs !== undefined ? ` (accepted after ${formatDuration(result.timings.acceptedMs)})` : ''}
          </Fact>
          {result.response && <Fact label="Final reply">{result.response}</Fact>}
          {result.dkim && (
            <Fact label="DKIM">
              signed d={result.dkim.domain} s={result.dkim.selector} ({result.dkim.algorithm})
            </Fact>
          )}
        </SimpleGrid>
        {result.recipients.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Recipients" verticalSpacing={4} withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>Server reply</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.recipients.map((r) => (
                  <Table.Tr key={r.address}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.address}</Table.Td>
                    <Table.Td>
                      <Badge color={RECIPIENT_WORDS[r.status].color} variant="light">
                        {RECIPIENT_WORDS[r.status].word}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                        {r.reply ?? '—'}
                      </Text>
                      {r.explanation && (
                        <Text size="xs" c="red">
                          {r.explanation}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Warnings warnings={historyError ? [...result.warnings, `Not kept in history: ${historyError}`] : result.warnings} />
        <Transcript lines={result.transcript} />
      </Stack>
    </Paper>
  );
}
