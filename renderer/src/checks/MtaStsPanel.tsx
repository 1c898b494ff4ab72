import { Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import type { MtaStsPolicy } from '../../../electron/api/types';
import { FETCH_SKIPPED } from '../app-words';
import { Fact, Facts, None, RecordText } from './parts';
import type { CheckPanelProps } from './types';

const MODE_COLOR: Record<MtaStsPolicy['mode'], string> = { enforce: 'green', testing: 'yellow', none: 'orange' };

const MODE_MEANING: Record<MtaStsPolicy['mode'], string> = {
  enforce: 'senders refuse to deliver without valid TLS to a listed MX',
  testing: 'senders deliver anyway and only report failures',
  none: 'the policy is withdrawn',
};

function maxAgeText(seconds: number): string {
  const days = seconds / 86_400;
  return days >= 1 ? `${seconds} s (${Number.isInteger(days) ? days : days.toFixed(1)} days)` : `${seconds} s`;
}

export function MtaStsPanel({ data }: CheckPanelProps<'mtasts'>) {
  return (
    <Stack gap="sm">
      <Facts>
        <Fact label="Record">{data.record ? <RecordText>{data.record}</RecordText> : <None>None found</None>}</Fact>
        {data.id && (
          <Fact label="Policy id">
            <Code>{data.id}</Code>
          </Fact>
        )}
        {data.policyUrl && (
          <Fact label="Policy URL">
            <RecordText>{data.policyUrl}</RecordText>
          </Fact>
        )}
        {data.fetchSkipped && (
          <Fact label="Policy">
            <None>Not fetched: {FETCH_SKIPPED}</None>
          </Fact>
        )}
        {data.fetchError && (
          <Fact label="Policy">
            <Text size="sm" c="red">
              Could not be fetched: {data.fetchError}
            </Text>
          </Fact>
        )}
        {data.tls && (data.tls.version || data.tls.cipher) && (
          <Fact label="Policy host TLS">{[data.tls.version, data.tls.cipher].filter(Boolean).join(', ')}</Fact>
        )}
        {data.policy && (
          <>
            <Fact label="Mode">
              <span data-testid="mtasts-mode">
                <Badge color={MODE_COLOR[data.policy.mode]} variant="light" mr="xs">
                  {data.policy.mode}
                </Badge>
                {MODE_MEANING[data.policy.mode]}
              </span>
            </Fact>
            <Fact label="Max age">{maxAgeText(data.policy.maxAge)}</Fact>
            <Fact label="MX patterns">
              <Group gap={6}>
                {data.policy.mx.length > 0 ? data.policy.mx.map((mx) => <Code key={mx}>{mx}</Code>) : <None>none</None>}
              </Group>
            </Fact>
          </>
        )}
      </Facts>
      {data.mxMatch.length > 0 && (
        <Table aria-label="MX hosts covered by the policy" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>MX host</Table.Th>
              <Table.Th>Covered by the policy</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.mxMatch.map((row) => (
              <Table.Tr key={row.host}>
                <Table.Td>
                  <Code>{row.host}</Code>
                </Table.Td>
                <Table.Td>
                  {row.matched ? (
                    <Badge color="green" variant="light" size="sm">
                      matched
                    </Badge>
                  ) : (
                    <Text size="sm" c="red">
                      Not matched: in enforce mode, senders refuse this host
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
