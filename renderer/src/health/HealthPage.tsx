/**
 * Sending health: ESP exports imported by dropping them, then per sending domain and time range the
 * rates against Gmail's and Yahoo's thresholds (drawn on the charts), per provider and IP, the
 * findings, and the sending IPs found, which the user may tick to watch.
 */
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Anchor, Badge, Button, Checkbox, Group, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HealthIp } from '../../../electron/api/operations';
import type { HealthSummary, HealthTotals } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { ChartFigure } from '../reports/ChartFigure';
import { RANGES, type RangeDays } from '../reports/report-words';
import { Section } from '../reports/ReportSection';
import { FindingList } from '../result/FindingList';
import { HealthImport } from './HealthImport';
import { chartPercent, count, PROVIDER_COLOURS, PROVIDER_LABELS, providerSeries, rate, sentOf } from './health-words';
import { routeHref } from '../router';

const ALL = '';

export function HealthPage() {
  const client = useClient();
  const [chosen, setChosen] = useState<string | null>(null);
  const [days, setDays] = useState<RangeDays>(30);
  const domains = useQuery({ queryKey: ['health', 'domains'], queryFn: () => client.health.domains() });
  const named = (domains.data?.domains ?? []).map((d) => d.domain).filter((d) => d !== '');
  const domain = chosen !== null && (chosen === ALL || named.includes(chosen)) ? chosen : ALL;
  const hasData = (domains.data?.domains.length ?? 0) > 0;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="baseline">
        <Title order={1}>Sending health</Title>
        <Anchor href={routeHref({ page: 'health-warmup' })}>Warm-up planner</Anchor>
      </Group>
      <HealthImport onImported={(result) => result.domains.length === 1 && chosen === null && setChosen(result.domains[0] ?? null)} />
      {domains.isError && (
        <Alert color="red" title="The sending data could not be read">
          {errorMessage(domains.error)}
        </Alert>
      )}
      {domains.isSuccess && !hasData && <Text c="dimmed">No sending data yet. Import your sending service's event or campaign exports to see complaint, bounce and delivery rates against the providers' limits.</Text>}
      {hasData && (
        <>
          <Group align="flex-end" gap="md">
            <NativeSelect label="Sending domain" data={[{ value: ALL, label: 'All sending domains' }, ...named.map((d) => ({ value: d, label: d }))]} value={domain} onChange={(e) => setChosen(e.currentTarget.value)} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="health-range-label">
                Time range
              </Text>
              <SegmentedControl aria-labelledby="health-range-label" value={String(days)} onChange={(v) => setDays(Number(v) as RangeDays)} data={RANGES.map((d) => ({ value: String(d), label: `${d} days` }))} />
            </Stack>
          </Group>
          <DomainHealth key={`${domain}/${days}`} domain={domain} since={`${days}d`} />
        </>
      )}
    </Stack>
  );
}

function DomainHealth({ domain, since }: { domain: string; since: string }) {
  const client = useClient();
  const input = { ...(domain ? { domain } : {}), since };
  const summary = useQuery({ queryKey: ['health', 'summary', domain, since], queryFn: () => client.health.summary(input) });
  const ips = useQuery({ queryKey: ['health', 'ips', domain, since], queryFn: () => client.health.ips(input) });
  return (
    <Stack gap="xl">
      <Section title="Summary" query={summary}>
        {(s) => <SummaryView summary={s} />}
      </Section>
      {summary.data && summary.data.days.length > 0 && (
        <>
          <Section title="Findings" query={summary}>
            {(s) => <FindingList findings={s.findings} domain={s.domain ?? ''} />}
          </Section>
          <Section title="Over time" query={summary}>
            {(s) => <Charts summary={s} />}
          </Section>
          <Section title="By provider" query={summary}>
            {(s) => <RatesTable label="Provider" rows={s.providers.map((p) => ({ ...p, name: PROVIDER_LABELS[p.provider] }))} summary={s} />}
          </Section>
          {domain === ALL && (
            <Section title="By sending domain" query={summary}>
              {(s) => <RatesTable label="Sending domain" rows={s.domains.map((d) => ({ ...d, name: d.domain || 'Not named in the export' }))} summary={s} />}
            </Section>
          )}
          <Section title="By sending IP" query={summary}>
            {(s) => <RatesTable label="IP or pool" rows={s.ips.map((i) => ({ ...i, name: i.ip || 'Not named in the export' }))} summary={s} />}
          </Section>
          <Section title="Watch these IPs" query={ips}>
            {(list) => <WatchIps ips={list.ips} />}
          </Section>
        </>
      )}
    </Stack>
  );
}

function Figure({ label, value, detail, alert }: { label: string; value: string; detail?: string; alert?: 'limit' | 'target' }) {
  return (
    <Paper withBorder p="sm">
      <Group gap="xs" justify="space-between">
        <Text size="sm" c="dimmed">
          {label}
        </Text>
        {alert && (
          <Badge color={alert === 'limit' ? 'red.8' : 'orange.9'} variant="filled">
            {alert === 'limit' ? 'Over the limit' : 'Over the target'}
          </Badge>
        )}
      </Group>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {detail && <Text size="xs">{detail}</Text>}
    </Paper>
  );
}

function SummaryView({ summary: s }: { summary: HealthSummary }) {
  if (s.days.length === 0) return <Text c="dimmed">No sending data {s.domain ? `for ${s.domain} ` : ''}in this time range.</Text>;
  const t = s.totals.rates;
  const c = s.thresholds.complaints;
  const b = s.thresholds.bounces;
  const complaintAlert = (t.complaint ?? 0) > c.limit ? 'limit' : (t.complaint ?? 0) > c.target ? 'target' : undefined;
  const bounceAlert = (t.bounce ?? 0) > b.limit ? 'limit' : (t.bounce ?? 0) > b.warning ? 'target' : undefined;
  return (
    <Stack gap="md" data-testid="health-summary">
      {s.limitExceeded && (
        <Alert color="red" title="A limit is exceeded">
          Gmail and Yahoo filter or reject bulk senders whose complaint rate passes {rate(c.limit)}; sending services review senders whose bounces pass {rate(b.limit)}. The findings below say where.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Sent" value={count(sentOf(s.totals))} detail={`${count(s.totals.delivered)} delivered (${rate(t.delivery)})`} />
        <Figure label="Complaint rate" value={rate(t.complaint)} detail={`${count(s.totals.complaints)} complaints; target ${rate(c.target)}, limit ${rate(c.limit)}`} {...(complaintAlert ? { alert: complaintAlert } : {})} />
        <Figure label="Bounce rate" value={rate(t.bounce)} detail={`hard ${rate(t.hardBounce)}, soft ${rate(t.softBounce)}; ${rate(b.warning)} and ${rate(b.limit)}`} {...(bounceAlert ? { alert: bounceAlert } : {})} />
        <Figure label="Unknown users" value={rate(t.unknownUsers)} detail={`${count(s.totals.unknownUsers)} bounces for mailboxes that do not exist`} />
        <Figure label="Open rate" value={rate(t.open)} {...(s.opensUnreliable ? { detail: `Unreliable: Apple Mail Privacy Protection opens every image (Apple is ${rate(s.appleShare)} of delivered mail)` } : {})} />
        <Figure label="Click rate" value={rate(t.click)} />
        <Figure label="Unsubscribe rate" value={rate(t.unsubscribe)} />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Thresholds: {c.rule} {b.rule} Sources:{' '}
        {[...c.sources, ...b.sources].map((src, i) => (
          <span key={src.url}>
            {i > 0 && '; '}
            <a href={src.url} target="_blank" rel="noreferrer noopener">
              {src.title}
            </a>
            {src.effective ? ` (from ${src.effective})` : ''}
          </span>
        ))}
        .
      </Text>
    </Stack>
  );
}

const shown = (providers: HealthSummary['providers']) => providers.filter((p) => p.days.length > 0);

function Charts({ summary: s }: { summary: HealthSummary }) {
  const c = s.thresholds.complaints;
  const b = s.thresholds.bounces;
  const providers = shown(s.providers);
  const complaints = providerSeries(providers, 'complaint');
  const delivery = providerSeries(providers, 'delivery');
  const volume = s.days.map((d) => ({ day: d.day, sent: sentOf(d), bounce: chartPercent(d.rates.bounce) }));
  const series = providers.map((p) => ({ name: p.provider, label: PROVIDER_LABELS[p.provider], color: PROVIDER_COLOURS[p.provider] }));
  const cell = (v: string | number | null | undefined) => (typeof v === 'number' ? `${v}%` : '–');
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
      <ChartFigure title="Complaint rate per day by provider" columns={['Day', ...providers.map((p) => PROVIDER_LABELS[p.provider])]} rows={complaints.map((d) => [String(d.day), ...providers.map((p) => cell(d[p.provider]))])}>
        <LineChart
          h={260}
          data={complaints}
          dataKey="day"
          unit="%"
          withLegend
          connectNulls
          series={series}
          // The limit stays in view even when every day is far under it.
          yAxisProps={{ domain: [0, (max: number) => Math.max(max, c.limit * 100 * 1.2)] }}
          referenceLines={[
            { y: c.target * 100, label: `Target ${rate(c.target)}`, color: 'orange.9' },
            { y: c.limit * 100, label: `Limit ${rate(c.limit)}`, color: 'red.8' },
          ]}
        />
      </ChartFigure>
      <ChartFigure title="Bounce rate per day" columns={['Day', 'Bounce rate', 'Sent']} rows={volume.map((d) => [d.day, cell(d.bounce), count(d.sent)])}>
        <LineChart
          h={260}
          data={volume}
          dataKey="day"
          unit="%"
          series={[{ name: 'bounce', label: 'Bounce rate', color: 'blue.8' }]}
          yAxisProps={{ domain: [0, (max: number) => Math.max(max, b.limit * 100 * 1.2)] }}
          referenceLines={[
            { y: b.warning * 100, label: `${rate(b.warning)}`, color: 'orange.9' },
            { y: b.limit * 100, label: `Limit ${rate(b.limit)}`, color: 'red.8' },
          ]}
        />
      </ChartFigure>
      <ChartFigure title="Delivery rate per day by provider" columns={['Day', ...providers.map((p) => PROVIDER_LABELS[p.provider])]} rows={delivery.map((d) => [String(d.day), ...providers.map((p) => cell(d[p.provider]))])}>
        <LineChart h={260} data={delivery} dataKey="day" unit="%" withLegend connectNulls series={series} />
      </ChartFigure>
      <ChartFigure title="Messages sent per day" columns={['Day', 'Sent']} rows={volume.map((d) => [d.day, count(d.sent)])}>
        <BarChart h={260} data={volume} dataKey="day" series={[{ name: 'sent', label: 'Sent', color: 'teal.8' }]} />
      </ChartFigure>
    </SimpleGrid>
  );
}

function RatesTable({ label, rows, summary: s }: { label: string; rows: (HealthTotals & { name: string })[]; summary: HealthSummary }) {
  const over = (value: number | null, limit: number) => (value ?? 0) > limit;
  return (
    <Table striped withTableBorder aria-label={`Rates by ${label.toLowerCase()}`}>
      <Table.Thead>
        <Table.Tr>
          {[label, 'Sent', 'Delivered', 'Hard bounces', 'Soft bounces', 'Complaints', 'Unsubscribes', 'Opens', 'Clicks'].map((h) => (
            <Table.Th key={h} scope="col">
              {h}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.name}>
            <Table.Th scope="row">{r.name}</Table.Th>
            <Table.Td>{count(sentOf(r))}</Table.Td>
            <Table.Td>{rate(r.rates.delivery)}</Table.Td>
            <Table.Td>{rate(r.rates.hardBounce)}</Table.Td>
            <Table.Td>{rate(r.rates.softBounce)}</Table.Td>
            <Table.Td>
              {rate(r.rates.complaint)}
              {over(r.rates.complaint, s.thresholds.complaints.limit) && (
                <Badge ml="xs" color="red.8" variant="filled">
                  over the limit
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{rate(r.rates.unsubscribe)}</Table.Td>
            <Table.Td>{rate(r.rates.open)}</Table.Td>
            <Table.Td>{rate(r.rates.click)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The sending IPs found in the data: the user ticks those to watch (blocklists, reverse DNS). */
function WatchIps({ ips }: { ips: HealthIp[] }) {
  const client = useClient();
  const queries = useQueryClient();
  const addresses = ips.filter((i) => i.address);
  const [ticked, setTicked] = useState<string[]>([]);
  const watched = useMutation({
    mutationFn: (list: string[]) => client.health['watch-ips']({ ips: list }),
    onSuccess: async () => {
      setTicked([]);
      await queries.invalidateQueries({ queryKey: ['health', 'ips'] });
      await queries.invalidateQueries({ queryKey: ['watch'] });
    },
  });
  if (addresses.length === 0) return <Text c="dimmed">The exports name no sending IP address (only pools, or none).</Text>;
  const open = addresses.filter((i) => !i.watched);
  return (
    <Stack gap="sm">
      <Text size="sm">Watch a sending IP to hear when it is listed on a blocklist or its reverse DNS breaks. Tick the ones to watch.</Text>
      <Checkbox.Group value={ticked} onChange={setTicked} label="Sending IPs found in the data">
        <Stack gap={6} mt="xs">
          {addresses.map((i) => (
            <Checkbox
              key={i.ip}
              value={i.ip}
              disabled={i.watched}
              {...(i.watched ? { checked: true } : {})}
              label={`${i.ip}: ${count(i.sent)} sent${i.watched ? ' (watched)' : ''}`}
            />
          ))}
        </Stack>
      </Checkbox.Group>
      <Group>
        <Button onClick={() => watched.mutate(ticked)} disabled={ticked.length === 0} loading={watched.isPending}>
          Watch {ticked.length === 1 ? 'this IP' : 'these IPs'}
        </Button>
        {open.length > 1 && (
          <Button variant="default" onClick={() => setTicked(open.map((i) => i.ip))}>
            Tick all
          </Button>
        )}
      </Group>
      {watched.isError && (
        <Alert color="red" title="The IPs could not be watched">
          {errorMessage(watched.error)}
        </Alert>
      )}
      {watched.isSuccess && (
        <Text size="sm" role="status">
          {watched.data.added.length} IP{watched.data.added.length === 1 ? '' : 's'} now watched. Their checks show on the home page.
        </Text>
      )}
    </Stack>
  );
}

