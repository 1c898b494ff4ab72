import { Alert, Badge, Code, DataList, List, Stack, Table, Text } from '@mantine/core';
import type { DmarcCheck, DmarcPolicy, DmarcReportDestination, DmarcWalkStep } from '../../../electron/api/types';
import { YesNo } from './parts';
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

function Destinations({ reports }: { reports: NonNullable<DmarcCheck['reports']> }) {
  const rows: { kind: 'rua' | 'ruf'; dest: DmarcReportDestination }[] = [
    ...reports.rua.map((dest) => ({ kind: 'rua' as const, dest })),
    ...reports.ruf.map((dest) => ({ kind: 'ruf' as const, dest })),
  ];
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No report destinations: the record asks for no aggregate (rua) or failure (ruf) reports.
      </Text>
    );
  }
  return (
    <div>
      <Text size="sm" fw={600}>
        Report destinations
      </Text>
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="DMARC report destinations" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>Tag</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>External</Table.Th>
              <Table.Th>Authorized</Table.Th>
              <Table.Th>Has MX</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ kind, dest }, index) => (
              <Table.Tr key={index}>
                <Table.Td>
                  <Code>{kind}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{dest.uri}</Table.Td>
                <Table.Td>{dest.external ? `Yes (${dest.domain})` : 'No'}</Table.Td>
                <Table.Td>
                  {/* RFC 9990 §3.2.3: only a destination outside the organizational domain must authorize. */}
                  {dest.external ? (
                    <YesNo value={dest.authorized} unknown="Not checked" />
                  ) : (
                    <Text size="sm" c="dimmed">
                      Not needed
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {/* RFC 5321 §5.1: without MX, mail goes to the domain's address record. */}
                  {dest.hasMx === false && dest.hasAddress ? (
                    <YesNo value={false} good={null} no="No (has an address)" />
                  ) : (
                    <YesNo value={dest.hasMx} unknown="Not checked" />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}

function Rfc7489Reading({ reading }: { reading: NonNullable<DmarcCheck['rfc7489']> }) {
  return (
    <Alert color="gray" variant="light" title="Receivers still on RFC 7489" data-testid="dmarc-rfc7489">
      <Text size="sm">{reading.note}</Text>
      <Text size="sm" mt={4}>
        Policy{' '}
        {reading.policy ? (
          <Badge color={POLICY_COLOR[reading.policy]} variant="light" size="sm">
            {reading.policy}
          </Badge>
        ) : (
          'none'
        )}{' '}
        applied to {reading.pct}% of failing mail; organizational domain {reading.organizationalDomain}.
      </Text>
    </Alert>
  );
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
      {data.record && data.reports && <Destinations reports={data.reports} />}
      {data.rfc7489 && <Rfc7489Reading reading={data.rfc7489} />}
      {/* A check in error says so above its panel (CheckSection); only say it here otherwise. */}
      {data.error && data.status !== 'error' && (
        <Text size="sm" c="red">
          The check could not finish: {data.error}
        </Text>
      )}
    </Stack>
  );
}
