import { Sparkline } from '@mantine/charts';
import { Alert as Notice, Anchor, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ActivityItem, WatchSummary } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { DeleteButton } from '../DeleteButton';
import { errorMessage, formatDate, gradeColor } from '../format';
import { routeHref, type Route } from '../router';
import { AddWatchForm } from './AddWatchForm';
import { AlertCard } from './AlertCard';
import { BrowserNotificationsButton } from './notifications';
import { ACTIVITY_WORDS, RULE_WORDS, scheduleWords } from './words';

const HOME = ['home'] as const;

/** Where an activity line opens, when it has a page of its own. */
function activityRoute(item: ActivityItem): Route | null {
  switch (item.kind) {
    case 'audit':
      return { page: 'history-item', id: item.id };
    case 'message':
      return { page: 'message-item', id: item.id };
    case 'placement':
      return { page: 'placement-item', id: item.id };
    default:
      return null;
  }
}

/** An alert's summary is its rule's name (the CLI's contract): the page says what it means. */
function activitySummary(item: ActivityItem): string {
  return item.kind === 'alert' && item.summary in RULE_WORDS ? RULE_WORDS[item.summary as keyof typeof RULE_WORDS] : item.summary;
}

function ScoreTrend({ watch }: { watch: WatchSummary }) {
  if (watch.scores.length < 2) return <Text size="sm" c="dimmed">{watch.scores.length === 1 ? 'One check so far' : '—'}</Text>;
  const scores = watch.scores.map((s) => s.score);
  return (
    <Sparkline
      w={120}
      h={32}
      data={scores}
      curveType="linear"
      trendColors={{ positive: 'teal.7', negative: 'red.7', neutral: 'gray.6' }}
      fillOpacity={0.2}
      role="img"
      aria-label={`Score over time for ${watch.target}: ${scores.join(', ')}`}
    />
  );
}

function WatchRow({ watch, onCheck, checking, onRemoved }: { watch: WatchSummary; onCheck: (id: number) => void; checking: boolean; onRemoved: () => void }) {
  const client = useClient();
  const last = watch.last;
  return (
    <Table.Tr data-testid="watch-row">
      <Table.Th scope="row">
        {watch.target}
        {watch.kind === 'ip' && (
          <Text span size="xs" c="dimmed">
            {' '}
            (sending IP)
          </Text>
        )}
      </Table.Th>
      <Table.Td>{watch.client?.name ?? '—'}</Table.Td>
      <Table.Td>
        {last?.error ? (
          <Text size="sm" c="red">
            Check failed: {last.error}
          </Text>
        ) : last?.grade ? (
          <Group gap={6} wrap="nowrap">
            <Badge color={gradeColor(last.grade)} variant="light">
              {last.grade}
            </Badge>
            <Text size="sm">{last.score}</Text>
          </Group>
        ) : last ? (
          <Text size="sm">Checked</Text>
        ) : (
          <Text size="sm" c="dimmed">
            Not checked yet
          </Text>
        )}
      </Table.Td>
      <Table.Td>{watch.kind === 'domain' ? <ScoreTrend watch={watch} /> : '—'}</Table.Td>
      <Table.Td>{watch.openAlerts > 0 ? <Badge color="red">{watch.openAlerts}</Badge> : 0}</Table.Td>
      <Table.Td>
        <Text size="sm">{scheduleWords(watch.schedule)}</Text>
        <Text size="xs" c="dimmed">
          Next {formatDate(watch.nextAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Button size="compact-sm" variant="light" loading={checking} onClick={() => onCheck(watch.id)} aria-label={`Check now: ${watch.target}`}>
          Check now
        </Button>
      </Table.Td>
      <Table.Td>
        <DeleteButton
          item={`the watch of ${watch.target}`}
          consequence="Its checks and alerts go with it; the audits its checks made stay in History."
          label="Stop watching"
          ariaLabel={`Stop watching ${watch.target}`}
          size="compact-sm"
          variant="subtle"
          remove={() => client.watch.remove({ ids: [watch.id] })}
          onDeleted={onRemoved}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The home page: what is watched and how it is doing, the open alerts, recent activity and the next
 * checks; a first run says how to start.
 */
export function HomePage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const watches = useQuery({ queryKey: [...HOME, 'watches'], queryFn: () => client.watch.list({}) });
  const alerts = useQuery({ queryKey: [...HOME, 'alerts'], queryFn: () => client.alerts.list({ open: true, limit: 100, offset: 0 }) });
  const recent = useQuery({ queryKey: [...HOME, 'recent'], queryFn: () => client.history.recent({ limit: 10 }) });
  const [checking, setChecking] = useState<ReadonlySet<number>>(new Set());
  const [checkError, setCheckError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  // A new form after each watch added: empty, and with no problem shown for its empty box.
  const [formKey, setFormKey] = useState(0);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: HOME });

  // Checks the scheduler runs (here or in another window) update the page as they end.
  useEffect(() => {
    const stops = [client.on('watch.checked', refresh), client.on('alert.raised', refresh)];
    return () => stops.forEach((stop) => stop());
  }, [client]);

  const check = async (ids: number[]) => {
    setChecking((s) => new Set([...s, ...ids]));
    setCheckError(null);
    try {
      const pass = await client.watch.check({ ids });
      if (pass.errors.length > 0) setCheckError(pass.errors.map((e) => `${e.target}: ${e.error}`).join(' '));
    } catch (err) {
      setCheckError(errorMessage(err));
    } finally {
      setChecking((s) => new Set([...s].filter((id) => !ids.includes(id))));
      refresh();
    }
  };

  const items = watches.data?.items ?? [];
  const open = alerts.data?.items ?? [];
  const next = [...items].sort((a, b) => a.nextAt.localeCompare(b.nextAt)).slice(0, 5);

  return (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Home
        </Title>
        <BrowserNotificationsButton />
      </Group>

      <section aria-labelledby="watches-title">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h4" id="watches-title">
            Watched domains and IPs
          </Title>
          {items.length > 0 && (
            <Button size="compact-sm" variant="default" loading={checking.size > 0 && items.every((w) => checking.has(w.id))} onClick={() => void check(items.map((w) => w.id))}>
              Check all now
            </Button>
          )}
        </Group>
        {watches.isPending ? (
          <Loader size="sm" aria-label="Loading the watches" />
        ) : watches.isError ? (
          <Notice color="red" title="The watches could not be read">
            {errorMessage(watches.error)}
          </Notice>
        ) : items.length === 0 ? (
          <Paper withBorder p="md" data-testid="home-empty">
            <Text fw={600}>Nothing is watched yet.</Text>
            <Text size="sm">
              Add a domain or a sending IP below and Deliverlab checks it on a schedule while the app is open: it tells you when a
              record changes, the score drops, a certificate nears its end or an address lands on a blocklist. To look at a domain
              once instead, <Anchor href={routeHref({ page: 'audit' })}>audit it</Anchor>.
            </Text>
          </Paper>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-labelledby="watches-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Domain or IP</Table.Th>
                  <Table.Th scope="col">Client</Table.Th>
                  <Table.Th scope="col">Grade</Table.Th>
                  <Table.Th scope="col">Score over time</Table.Th>
                  <Table.Th scope="col">Open alerts</Table.Th>
                  <Table.Th scope="col">Schedule</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>Check</VisuallyHidden>
                  </Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>Stop watching</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((w) => (
                  <WatchRow key={w.id} watch={w} checking={checking.has(w.id)} onCheck={(id) => void check([id])} onRemoved={refresh} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {checkError && (
          <Notice color="red" title="A check could not run" role="alert" mt="xs">
            {checkError}
          </Notice>
        )}
      </section>

      <section aria-labelledby="alerts-title">
        <Title order={2} size="h4" id="alerts-title" mb="xs">
          Open alerts{open.length > 0 ? ` (${alerts.data?.total ?? open.length})` : ''}
        </Title>
        {alerts.isPending ? (
          <Loader size="sm" aria-label="Loading the alerts" />
        ) : alerts.isError ? (
          <Notice color="red" title="The alerts could not be read">
            {errorMessage(alerts.error)}
          </Notice>
        ) : open.length === 0 ? (
          <Text size="sm" c="dimmed">
            No open alerts.
          </Text>
        ) : (
          <Stack gap="sm">
            {open.map((a) => (
              <AlertCard key={a.id} alert={a} onChanged={refresh} />
            ))}
          </Stack>
        )}
      </section>

      {added && (
        <Notice color="teal" title="Watching" role="status">
          {added}
        </Notice>
      )}
      <AddWatchForm key={formKey} onAdded={(targets) => {
        setFormKey((k) => k + 1);
        setAdded(`${targets.join(', ')} ${targets.length === 1 ? 'is' : 'are'} watched now; the first check sets the baseline that later checks are compared with.`);
        refresh();
      }} />

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <section aria-labelledby="next-title">
          <Title order={2} size="h4" id="next-title" mb="xs">
            Next checks
          </Title>
          {next.length === 0 ? (
            <Text size="sm" c="dimmed">
              None scheduled.
            </Text>
          ) : (
            <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {next.map((w) => (
                <Text component="li" size="sm" key={w.id}>
                  {w.target} · {formatDate(w.nextAt)}
                </Text>
              ))}
            </Stack>
          )}
        </section>
        <section aria-labelledby="recent-title">
          <Title order={2} size="h4" id="recent-title" mb="xs">
            Recent activity
          </Title>
          {recent.isError ? (
            <Text size="sm" c="red">
              {errorMessage(recent.error)}
            </Text>
          ) : (recent.data?.items.length ?? 0) === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing yet.
            </Text>
          ) : (
            <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="recent">
              {recent.data?.items.map((item) => {
                const route = activityRoute(item);
                const label = `${ACTIVITY_WORDS[item.kind]}: ${item.title}`;
                return (
                  <Text component="li" size="sm" key={`${item.kind}-${item.id}`}>
                    {route ? <Anchor href={routeHref(route)}>{label}</Anchor> : label} · {activitySummary(item)} ·{' '}
                    <Text span c="dimmed" size="sm">
                      {formatDate(item.at)}
                    </Text>
                  </Text>
                );
              })}
            </Stack>
          )}
        </section>
      </SimpleGrid>
    </Stack>
  );
}
