/**
 * TLS reports (RFC 8460) of a domain: sessions that succeeded and failed per policy (MTA-STS, DANE)
 * and per day, why they failed, and which sending servers reported the failures.
 */
import { BarChart } from '@mantine/charts';
import { SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { TlsSummary } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { ChartFigure } from './ChartFigure';
import { count, percent, plural, tlsPolicyName, tlsResultName } from './report-words';
import { Section } from './ReportSection';

export function TlsSection({ domain, since }: { domain: string; since: string }) {
  const client = useClient();
  const tls = useQuery({ queryKey: ['reports', 'tls', domain, since], queryFn: () => client.reports.tls({ domain, since }) });
  return (
    <Section title="TLS reports" query={tls}>
      {(t) => <TlsView tls={t} />}
    </Section>
  );
}

function TlsView({ tls }: { tls: TlsSummary }) {
  if (tls.reports === 0) return <Text c="dimmed">No TLS reports for {tls.domain} in this time range.</Text>;
  return (
    <Stack gap="md" data-testid="tls-reports">
      <Text size="sm">
        {plural(tls.reports, 'report')}: {plural(tls.successes, 'session')} secured, {count(tls.failures)} failed ({percent(tls.failures, tls.successes + tls.failures)}).
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
        {tls.policies.map((p) => (
          <ChartFigure
            key={p.type}
            title={`${tlsPolicyName(p.type)} sessions per day`}
            columns={['Day', 'Succeeded', 'Failed']}
            rows={p.days.map((d) => [d.day, d.successes, d.failures])}
          >
            <BarChart
              h={220}
              data={p.days}
              dataKey="day"
              type="stacked"
              withLegend
              series={[
                { name: 'successes', label: 'Succeeded', color: 'teal.7' },
                { name: 'failures', label: 'Failed', color: 'red.7' },
              ]}
            />
          </ChartFigure>
        ))}
      </SimpleGrid>
      {tls.failureTypes.length > 0 && (
        <Table striped withTableBorder aria-label="Failure types">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Failure type</Table.Th>
              <Table.Th scope="col">Failed sessions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tls.failureTypes.map((f) => (
              <Table.Tr key={f.type}>
                <Table.Th scope="row">
                  <ResultType type={f.type} />
                </Table.Th>
                <Table.Td>{count(f.sessions)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {tls.mtas.length > 0 && (
        <Table striped withTableBorder aria-label="Sending servers that reported failures">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Sending server</Table.Th>
              <Table.Th scope="col">Reporter</Table.Th>
              <Table.Th scope="col">Failure type</Table.Th>
              <Table.Th scope="col">Receiving MX</Table.Th>
              <Table.Th scope="col">Failed sessions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tls.mtas.map((m, i) => (
              <Table.Tr key={i}>
                <Table.Th scope="row">{m.ip}</Table.Th>
                <Table.Td>{m.reporter}</Table.Td>
                <Table.Td>
                  <ResultType type={m.resultType} />
                </Table.Td>
                <Table.Td>{m.receivingMx ?? '–'}</Table.Td>
                <Table.Td>{count(m.sessions)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** A result type in words, with the reporter's code beneath it for whoever searches the RFC or the logs. */
function ResultType({ type }: { type: string }) {
  return (
    <>
      <Text size="sm" span>
        {tlsResultName(type)}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace">
        {type}
      </Text>
    </>
  );
}
