/**
 * The readiness summary of a message analysis: the score out of 10, what took points off, what could
 * not be checked, and one row per item with its weight and its fix.
 */
import { Alert, Badge, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { MessageReadiness, ReadinessStatus } from '../../../electron/api/types';
import { errorMessage } from '../format';
import { READINESS_AREA_WORDS } from '../../../electron/shared/spam-words';

/** Where a readiness summary comes from: the analysis carries it, or it is asked for. */
export interface ReadinessSource {
  key: readonly unknown[];
  load: () => Promise<MessageReadiness>;
}


const STATUS: Record<ReadinessStatus, { label: string; color: string }> = {
  pass: { label: 'Pass', color: 'green' },
  warn: { label: 'Warning', color: 'yellow' },
  fail: { label: 'Fail', color: 'red' },
  error: { label: 'No answer', color: 'orange' },
  'not-run': { label: 'Not run', color: 'gray' },
};

const points = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

function Summary({ readiness }: { readiness: MessageReadiness }) {
  return (
    <Stack gap="sm" data-testid="readiness">
      <Paper withBorder p="md">
        <Group gap="md" align="center" wrap="nowrap">
          <Text size="xl" fw={700} style={{ whiteSpace: 'nowrap' }} data-testid="readiness-score">
            {readiness.score} / {readiness.outOf}
          </Text>
          <div style={{ minWidth: 0 }}>
            <Title order={3} size="h5">
              Readiness
            </Title>
            <Text size="sm">{readiness.explanation}</Text>
          </div>
        </Group>
      </Paper>
      {readiness.unchecked > 0 && (
        <Alert color="gray" title={`${points(readiness.unchecked)} of the 10 points were not checked`}>
          An item marked &ldquo;Not run&rdquo; or &ldquo;No answer&rdquo; is not a pass: it neither earns nor loses its points, so the score is only as good as what could be checked.
        </Alert>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Readiness items" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Area</Table.Th>
              <Table.Th>Item</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th ta="right">Weight</Table.Th>
              <Table.Th ta="right">Points off</Table.Th>
              <Table.Th>What was found, and the fix</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {readiness.items.map((item) => (
              <Table.Tr key={`${item.area}-${item.label}`} data-item={item.label} data-status={item.status}>
                <Table.Td>{READINESS_AREA_WORDS[item.area]}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {item.label}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge variant="light" color={STATUS[item.status].color} tt="none" style={{ overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
                    {STATUS[item.status].label}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{points(item.weight)}</Table.Td>
                <Table.Td ta="right">{item.deduction > 0 ? `−${points(item.deduction)}` : '0'}</Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {item.detail}
                  </Text>
                  {item.fix && item.status !== 'pass' && (
                    <Text size="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
                      <Text span fw={600}>
                        Fix:{' '}
                      </Text>
                      {item.fix}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function Loaded({ source }: { source: ReadinessSource }) {
  const query = useQuery({ queryKey: ['readiness', ...source.key], queryFn: source.load, retry: false });
  if (query.isPending) return <Loader size="sm" aria-label="Checking readiness" />;
  if (query.isError)
    return (
      <Alert color="red" title="The readiness summary could not be made">
        {errorMessage(query.error)}
      </Alert>
    );
  return <Summary readiness={query.data} />;
}

export function ReadinessTab({ readiness, source }: { readiness?: MessageReadiness | undefined; source?: ReadinessSource | undefined }) {
  if (readiness) return <Summary readiness={readiness} />;
  if (source) return <Loaded source={source} />;
  return (
    <Text size="sm" c="dimmed">
      This analysis is not kept in history, so its readiness cannot be checked here.
    </Text>
  );
}
