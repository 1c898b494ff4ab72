import { Badge, Code, DataList, List, Stack, Table, Text } from '@mantine/core';
import type { DmarcCheck, DmarcPolicy, DmarcWalkStep } from '../../../electron/core/audit/types';
import type { CheckPanelProps } from './types';

const POLICY_COLOR: Record<DmarcPolicy, string> = { reject: 'green', quarantine: 'yellow', none: 'orange' };

const POLICY_SOURCE: Record<NonNullable<DmarcCheck['policySource']>, string> = {
  p: 'from the p tag (domain policy)',
  sp: 'from the sp tag (subdomain policy)',
  np: 'from the np tag (non-existent subdomain policy)',
  default: 'by default: the record sets no applicable tag',
};

function outcomeText(step: DmarcWalkStep): string {
  switch (step.outcome) {
    case 'record':
      return 'record found';
    case 'none':
      return 'no record';
    case 'multiple':
      return 'more than one record';
    case 'invalid':
      return 'invalid record';
    case 'error':
      return `lookup failed${step.error ? `: ${step.error}` : ''}`;
  }
}

export function DmarcPanel({ data, result }: CheckPanelProps<'dmarc'>) {
  const tags = Object.entries(data.tags);
  return (
    <Stack gap="sm">
      <DataList labelWidth="11rem" size="sm">
        <DataList.Item>
          <DataList.ItemLabel>Record</DataList.ItemLabel>
          <DataList.ItemValue>
            {data.record ? <Code>{data.record}</Code> : <Text size="sm" c="dimmed">None found</Text>}
          </DataList.ItemValue>
        </DataList.Item>
        {data.recordDomain && (
          <DataList.Item>
            <DataList.ItemLabel>Published at</DataList.ItemLabel>
            <DataList.ItemValue>
              <Code>_dmarc.{data.recordDomain}</Code>
            </DataList.ItemValue>
          </DataList.Item>
        )}
        {data.recordDomain && (
          <DataList.Item>
            <DataList.ItemLabel>Inherited</DataList.ItemLabel>
            <DataList.ItemValue>
              {data.inherited
                ? `Inherited from ${data.recordDomain}: ${result.domain} publishes no record of its own`
                : `No: published by ${data.recordDomain} itself`}
            </DataList.ItemValue>
          </DataList.Item>
        )}
        <DataList.Item>
          <DataList.ItemLabel>Organizational domain</DataList.ItemLabel>
          <DataList.ItemValue>{data.organizationalDomain}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Effective policy</DataList.ItemLabel>
          <DataList.ItemValue>
            {data.policy ? (
              <span data-testid="dmarc-policy">
                <Badge color={POLICY_COLOR[data.policy]} variant="light" mr="xs">
                  {data.policy}
                </Badge>{' '}
                {data.policySource && POLICY_SOURCE[data.policySource]}
              </span>
            ) : (
              <Text size="sm" c="dimmed">
                None: receivers apply no DMARC policy
              </Text>
            )}
          </DataList.ItemValue>
        </DataList.Item>
      </DataList>
      {tags.length > 0 && (
        <Table aria-label="DMARC tags" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>Tag</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tags.map(([tag, value]) => (
              <Table.Tr key={tag}>
                <Table.Td>
                  <Code>{tag}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data.walk.length > 0 && (
        <div>
          <Text size="sm" fw={600}>
            Tree walk
          </Text>
          <List type="ordered" size="sm" aria-label="DMARC tree walk">
            {data.walk.map((step, index) => (
              <List.Item key={index}>
                <Code>_dmarc.{step.domain}</Code>: {outcomeText(step)}
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {data.error && (
        <Text size="sm" c="red">
          The check could not finish: {data.error}
        </Text>
      )}
    </Stack>
  );
}
