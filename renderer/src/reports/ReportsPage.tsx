/**
 * DMARC reports: import, then per domain and time range who sends as the domain, how much of it
 * passes, whether the policy can be made stronger, and the TLS reports.
 */
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Code, Group, Loader, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ReportSource, ReportSummary, Readiness, SourcesResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { ChartFigure } from './ChartFigure';
import { downloadFile } from '../download';
import { ReportImport } from './ReportImport';
import { CLASS_ORDER, CLASS_WORDS, count, percent, plural, RANGES, readinessVerdict, reportDomains, unidentifiedNote, type RangeDays, type SourceClass } from './report-words';
import { Section } from './ReportSection';
import { TlsSection } from './TlsSection';

const CLASS_COLOURS: Record<SourceClass, string> = { compliant: 'teal.7', forwarded: 'blue.7', misconfigured: 'orange.7', unknown: 'red.7' };

export function ReportsPage() {
  const client = useClient();
  const [chosen, setChosen] = useState<string | null>(null);
  const [days, setDays] = useState<RangeDays>(30);
  const listed = useQuery({ queryKey: ['reports', 'list'], queryFn: () => client.reports.list({ limit: 500, offset: 0 }) });
  const domains = reportDomains(listed.data?.items ?? []);
  const domain = chosen && domains.includes(chosen) ? chosen : (domains[0] ?? null);
  return (
    <Stack gap="lg">
      <Title order={1}>DMARC reports</Title>
      <ReportImport onImported={(result) => result.reports[0] && !chosen && setChosen(result.reports[0].domain.split(',')[0] ?? null)} />
      {listed.isError && (
        <Alert color="red" title="The reports could not be read">
          {errorMessage(listed.error)}
        </Alert>
      )}
      {listed.isSuccess && domains.length === 0 && <Text c="dimmed">No reports yet. Import the reports your domain receives to see who sends mail as it.</Text>}
      {domain && (
        <>
          <Group align="flex-end" gap="md">
            <NativeSelect label="Domain" data={domains} value={domain} onChange={(e) => setChosen(e.currentTarget.value)} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="report-range-label">
                Time range
              </Text>
              <SegmentedControl
                aria-labelledby="report-range-label"
                value={String(days)}
                onChange={(v) => setDays(Number(v) as RangeDays)}
                data={RANGES.map((d) => ({ value: String(d), label: `${d} days` }))}
              />
            </Stack>
          </Group>
          <DomainReports key={`${domain}/${days}`} domain={domain} since={`${days}d`} />
        </>
      )}
    </Stack>
  );
}

function DomainReports({ domain, since }: { domain: string; since: string }) {
  const client = useClient();
  const range = { domain, since };
  const summary = useQuery({ queryKey: ['reports', 'summary', domain, since], queryFn: () => client.reports.summary(range) });
  const sources = useQuery({ queryKey: ['reports', 'sources', domain, since], queryFn: () => client.reports.sources(range) });
  const readiness = useQuery({ queryKey: ['reports', 'readiness', domain, since], queryFn: () => client.reports.readiness(range) });
  return (
    <Stack gap="xl">
      <Section title="Summary" query={summary}>
        {(s) => <SummaryView summary={s} />}
      </Section>
      <Section title="Over time" query={sources}>
        {(s) => <Charts sources={s} summary={summary.data} />}
      </Section>
      <Section title="Sources" query={sources}>
        {(s) => <SourcesView sources={s} />}
      </Section>
      <Section title="Enforcement readiness" query={readiness}>
        {(r) => <ReadinessView readiness={r} />}
      </Section>
      <TlsSection domain={domain} since={since} />
    </Stack>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {detail && <Text size="xs">{detail}</Text>}
    </Paper>
  );
}

function SummaryView({ summary: s }: { summary: ReportSummary }) {
  if (s.reports === 0) return <Text c="dimmed">No DMARC reports for {s.domain} in this time range.</Text>;
  return (
    <Stack gap="md" data-testid="report-summary">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Messages" value={count(s.messages)} detail={`in ${plural(s.reports, 'report')}`} />
        <Figure label="DMARC pass rate" value={percent(s.dmarcPass, s.messages)} detail={`${count(s.dmarcPass)} messages passed`} />
        <Figure label="SPF aligned pass" value={percent(s.spfAlignedPass, s.messages)} detail={`${count(s.spfAlignedPass)} messages`} />
        <Figure label="DKIM aligned pass" value={percent(s.dkimAlignedPass, s.messages)} detail={`${count(s.dkimAlignedPass)} messages`} />
      </SimpleGrid>
      <Text size="sm">
        What receivers did: {count(s.disposition.none)} delivered as usual, {count(s.disposition.quarantine)} quarantined, {count(s.disposition.reject)} rejected.
      </Text>
      <Table striped withTableBorder aria-label="By reporter">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Reporter</Table.Th>
            <Table.Th scope="col">Reports</Table.Th>
            <Table.Th scope="col">Messages</Table.Th>
            <Table.Th scope="col">DMARC pass rate</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {s.reporters.map((r) => (
            <Table.Tr key={r.org}>
              <Table.Th scope="row">{r.org}</Table.Th>
              <Table.Td>{count(r.reports)}</Table.Td>
              <Table.Td>{count(r.messages)}</Table.Td>
              <Table.Td>{percent(r.dmarcPass, r.messages)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Charts({ sources, summary }: { sources: SourcesResult; summary: ReportSummary | undefined }) {
  if (sources.days.length === 0) return <Text c="dimmed">No messages reported in this time range.</Text>;
  const passRate = (summary?.days ?? []).map((d) => ({ day: d.day, rate: d.messages > 0 ? Math.round((d.dmarcPass / d.messages) * 1000) / 10 : 0, messages: d.messages, pass: d.dmarcPass }));
  const top = [...sources.sources].sort((a, b) => b.messages - a.messages).slice(0, 10);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
      <ChartFigure
        title="Messages per day by source class"
        columns={['Day', ...CLASS_ORDER.map((c) => CLASS_WORDS[c].label)]}
        rows={sources.days.map((d) => [d.day, ...CLASS_ORDER.map((c) => d[c])])}
      >
        <BarChart h={260} data={sources.days} dataKey="day" type="stacked" withLegend series={CLASS_ORDER.map((c) => ({ name: c, label: CLASS_WORDS[c].label, color: CLASS_COLOURS[c] }))} />
      </ChartFigure>
      <ChartFigure title="DMARC pass rate per day" columns={['Day', 'Pass rate', 'Messages', 'Passed']} rows={passRate.map((d) => [d.day, `${d.rate}%`, d.messages, d.pass])}>
        <LineChart h={260} data={passRate} dataKey="day" unit="%" yAxisProps={{ domain: [0, 100] }} series={[{ name: 'rate', label: 'Pass rate', color: 'teal.7' }]} />
      </ChartFigure>
      <ChartFigure
        title="Top sources by messages"
        columns={['Source', 'Class', 'Messages', 'DMARC pass rate']}
        rows={top.map((s) => [s.organization, CLASS_WORDS[s.class].label, s.messages, percent(s.dmarcPass, s.messages)])}
      >
        <BarChart
          h={Math.max(160, top.length * 32)}
          data={top.map((s) => ({ source: s.organization, messages: s.messages }))}
          dataKey="source"
          orientation="vertical"
          yAxisProps={{ width: 160 }}
          series={[{ name: 'messages', label: 'Messages', color: 'blue.7' }]}
        />
      </ChartFigure>
    </SimpleGrid>
  );
}

function SourcesView({ sources }: { sources: SourcesResult }) {
  const client = useClient();
  const [only, setOnly] = useState<SourceClass | 'all'>('all');
  const [open, setOpen] = useState<ReportSource | null>(null);
  const shown = only === 'all' ? sources.sources : sources.sources.filter((s) => s.class === only);
  const range = { domain: sources.domain, since: sources.since.slice(0, 10), until: sources.until.slice(0, 10) };
  const exported = useMutation({
    mutationFn: async (what: 'sources' | 'records'): Promise<string | null> => {
      const input = { ...range, what, ...(what === 'sources' && only !== 'all' ? { class: only } : {}) };
      const transport = (await client.app.info()).transport;
      // The desktop app saves through main's dialog; a browser downloads the same CSV.
      if (transport === 'ipc') {
        const saved = await client.reports.save(input);
        return saved.saved && saved.path ? `Saved to ${saved.path}.` : null;
      }
      const out = await client.reports.export(input);
      downloadFile(`${out.name}.csv`, out.text, 'text/csv;charset=utf-8');
      return out.truncated ? `The file holds the newest ${count(out.rows)} records, the most one export takes.` : null;
    },
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <NativeSelect
          label="Show sources"
          value={only}
          onChange={(e) => {
            setOnly(e.currentTarget.value as SourceClass | 'all');
            setOpen(null);
          }}
          data={[{ value: 'all', label: 'All classes' }, ...CLASS_ORDER.map((c) => ({ value: c, label: `${CLASS_WORDS[c].label}: ${CLASS_WORDS[c].meaning}` }))]}
        />
        <Group gap="xs">
          <Button variant="light" loading={exported.isPending && exported.variables === 'sources'} onClick={() => exported.mutate('sources')}>
            Export sources (CSV)
          </Button>
          <Button variant="light" loading={exported.isPending && exported.variables === 'records'} onClick={() => exported.mutate('records')}>
            Export records (CSV)
          </Button>
        </Group>
      </Group>
      {exported.data && (
        <Text size="sm" role="status">
          {exported.data}
        </Text>
      )}
      {exported.isError && (
        <Alert color="red" title="The export did not finish">
          {errorMessage(exported.error)}
        </Alert>
      )}
      {(sources.lookupFailures > 0 || sources.notLookedUp > 0) && (
        <Text size="sm">
          {sources.lookupFailures > 0 && `${count(sources.lookupFailures)} addresses' names could not be looked up; they are listed by themselves. `}
          {sources.notLookedUp > 0 && `${count(sources.notLookedUp)} addresses are not looked up yet: they will be next time.`}
        </Text>
      )}
      <Table striped withTableBorder aria-label="Sources" data-testid="sources-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Source</Table.Th>
            <Table.Th scope="col">Class</Table.Th>
            <Table.Th scope="col">Messages</Table.Th>
            <Table.Th scope="col">DMARC pass rate</Table.Th>
            <Table.Th scope="col">What to do</Table.Th>
            <Table.Th scope="col">Records</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((s) => (
            <Table.Tr key={`${s.class}/${s.organization}`}>
              <Table.Th scope="row">
                {s.organization}
                <Text size="xs" c="dimmed">
                  {s.ips.slice(0, 3).join(', ')}
                  {s.ips.length > 3 ? ` and ${s.ips.length - 3} more` : ''}
                </Text>
              </Table.Th>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Badge color={CLASS_COLOURS[s.class].split('.')[0]} variant="light" style={{ overflow: 'visible' }}>
                  {CLASS_WORDS[s.class].label}
                </Badge>
              </Table.Td>
              <Table.Td>{count(s.messages)}</Table.Td>
              <Table.Td>{percent(s.dmarcPass, s.messages)}</Table.Td>
              <Table.Td>
                <Text size="sm">{s.fix ?? s.why}</Text>
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" aria-label={`Show records of ${s.organization}`} onClick={() => setOpen(s)}>
                  Show records
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {shown.length === 0 && <Text c="dimmed">No sources of this class in this time range.</Text>}
      {open && <SourceRecords source={open} sources={sources} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

function SourceRecords({ source, sources, onClose }: { source: ReportSource; sources: SourcesResult; onClose: () => void }) {
  const client = useClient();
  const records = useQuery({
    queryKey: ['reports', 'records', sources.domain, sources.since, sources.until, source.ips],
    queryFn: () => client.reports.records({ domain: sources.domain, since: sources.since.slice(0, 10), until: sources.until.slice(0, 10), ips: source.ips.slice(0, 5000), limit: 200, offset: 0 }),
  });
  const title = `Records from ${source.organization}`;
  const heading = useRef<HTMLHeadingElement>(null);
  // The records open below a long table: take the reader (and a screen reader's focus) to them.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [source]);
  return (
    <Paper withBorder p="md" data-testid="source-records">
      <Group justify="space-between" mb="sm">
        <Title order={3} ref={heading} tabIndex={-1}>
          {title}
        </Title>
        <Button size="xs" variant="subtle" onClick={onClose}>
          Close
        </Button>
      </Group>
      <Text size="sm" mb="xs">
        {source.why}
      </Text>
      {records.isPending && <Loader size="sm" aria-label="Loading the records" />}
      {records.isError && (
        <Alert color="red" title="The records could not be read">
          {errorMessage(records.error)}
        </Alert>
      )}
      {records.data && (
        <>
          <Table striped withTableBorder aria-label={title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Reporter</Table.Th>
                <Table.Th scope="col">Period</Table.Th>
                <Table.Th scope="col">Address</Table.Th>
                <Table.Th scope="col">Messages</Table.Th>
                <Table.Th scope="col">What the receiver did</Table.Th>
                <Table.Th scope="col">DKIM aligned</Table.Th>
                <Table.Th scope="col">SPF aligned</Table.Th>
                <Table.Th scope="col">Signed by (DKIM)</Table.Th>
                <Table.Th scope="col">Return path (SPF)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.data.items.map((r, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{r.org}</Table.Td>
                  <Table.Td>{r.begin.slice(0, 10)}</Table.Td>
                  <Table.Td>{r.sourceIp}</Table.Td>
                  <Table.Td>{count(r.count)}</Table.Td>
                  <Table.Td>{r.disposition === 'none' || r.disposition === 'pass' ? 'delivered' : r.disposition === 'quarantine' ? 'quarantined' : 'rejected'}</Table.Td>
                  <Table.Td>{r.dkim}</Table.Td>
                  <Table.Td>{r.spf}</Table.Td>
                  <Table.Td>{r.dkimAuth.map((a) => `${a.domain} (${a.result})`).join(', ') || 'not signed'}</Table.Td>
                  <Table.Td>{r.spfAuth.map((a) => `${a.domain} (${a.result})`).join(', ') || '–'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {records.data.total > records.data.items.length && (
            <Text size="sm" mt="xs">
              The first {count(records.data.items.length)} of {count(records.data.total)} records; export the records for all of them.
            </Text>
          )}
        </>
      )}
    </Paper>
  );
}

function ReadinessView({ readiness: r }: { readiness: Readiness }) {
  const reported = r.current.reported;
  const audited = r.current.audited;
  const verdict = readinessVerdict(r);
  return (
    <Stack gap="sm" data-testid="readiness">
      <Group gap="sm">
        <Badge color={verdict.color} variant="light" size="lg">
          {verdict.label}
        </Badge>
        <Text size="sm">{r.why}</Text>
      </Group>
      {r.unidentified && r.verdict !== 'cannot-judge' && (
        <Text size="sm" data-testid="readiness-unidentified">
          {unidentifiedNote(r.unidentified)}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Figure label="Legitimate mail that would pass" value={percent(r.legitimatePass, r.legitimateMessages)} detail={`${count(r.legitimatePass)} of ${count(r.legitimateMessages)} messages`} />
        <Figure label="Unknown sources' messages" value={count(r.unknownMessages)} detail="what enforcement would stop" />
        <Figure label="Sources it would hurt" value={count(r.hurt.length)} />
      </SimpleGrid>
      {r.hurt.length > 0 && (
        <Table striped withTableBorder aria-label="Sources enforcement would hurt">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Source</Table.Th>
              <Table.Th scope="col">Class</Table.Th>
              <Table.Th scope="col">Failing messages</Table.Th>
              <Table.Th scope="col">Fix</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.hurt.map((h) => (
              <Table.Tr key={`${h.class}/${h.organization}`}>
                <Table.Th scope="row">{h.organization}</Table.Th>
                <Table.Td>{CLASS_WORDS[h.class].label}</Table.Td>
                <Table.Td>{count(h.failing)}</Table.Td>
                <Table.Td>{h.fix ?? '–'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Paper withBorder p="sm">
        <Text size="sm" fw={600}>
          The policy now
        </Text>
        {audited?.record ? (
          <Text size="sm">
            DMARC record at the latest audit ({audited.auditedAt.slice(0, 10)}): <Code>{audited.record}</Code>
          </Text>
        ) : (
          <Text size="sm">No stored audit of this domain: audit it to see its DMARC record here.</Text>
        )}
        {reported && (
          <Text size="sm">
            Receivers saw the policy {reported.p ?? 'none'}
            {reported.pct !== null && reported.pct !== 100 ? ` on ${reported.pct}% of the mail` : ''}
            {reported.testing === 'y' ? ', in test mode' : ''}.
          </Text>
        )}
        <Text size="sm" fw={600} mt="sm">
          The next step
        </Text>
        {r.next ? (
          <>
            <Text size="sm">
              {r.next.policy === 'quarantine' ? 'Quarantine' : 'Reject'}
              {r.next.pct < 100 ? ` ${r.next.pct}% of failing mail` : ' failing mail'}
              {r.next.testing ? ', in test mode' : ''}: {r.next.why}
            </Text>
            {r.next.record && (
              <Text size="sm">
                Suggested record: <Code data-testid="suggested-record">{r.next.record}</Code>
              </Text>
            )}
          </>
        ) : (
          <Text size="sm">The domain rejects failing mail already: there is no stronger policy.</Text>
        )}
      </Paper>
    </Stack>
  );
}
