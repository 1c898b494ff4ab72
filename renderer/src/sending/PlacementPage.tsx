/**
 * Inbox placement: the test message, the seeds, Start; the board filling in live; past runs and
 * the trend per seed or provider. A past run opens at #/placement/<id>.
 */
import { Alert, Anchor, Badge, Box, Button, Checkbox, Group, Loader, NativeSelect, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PlacementSummaryRow, PlacementTrendSeries } from '../../../electron/api/operations';
import type { PlacementRun } from '../../../electron/api/types';
import { DeleteButton } from '../DeleteButton';
import { ExportReportButton } from '../ExportReportButton';
import { sendErrorText } from '../app-words';
import { PastItems, type PastColumn } from '../PastItems';
import { useClient } from '../client/client-context';
import { formatDate, formatDuration } from '../format';
import { navigate, routeHref } from '../router';
import { composeFields, headerProblems, useDraft } from './compose-draft';
import { MessageEditor, useComposeCheck } from './MessageEditor';
import { QaSummaryNote } from '../qa/QaSummaryNote';
import { CallError, Warnings } from './parts';
import { useCopyAnalyses } from './CopyAnalysis';
import { CleanupNote, SeedTable, SummaryStrip } from './PlacementBoard';
import { cancelPlacement, clearPlacement, startPlacement, usePlacementRun } from './placement-run-store';
import { envelopeSender, formatShare, placementLook, reachedInbox, runDidNotFinish, runStatusLabel, seedReadiness } from './placement-view';
import { useProfiles } from './ProfilesPage';
import { useSeeds } from './SeedsPage';
import { SendResultView } from './SendResultView';

const DEFAULT_DEADLINE_MIN = 10;

/**
 * The seeds to send to, each with whether it is ready (its secret is there) in words: a seed that
 * is not ready ends as an error of its own, and the others run.
 */
function SeedChooser({ chosen, onChange, exclude }: { chosen: string[] | null; onChange: (chosen: string[] | null) => void; exclude: string | null }) {
  const seeds = useSeeds();
  if (seeds.isPending) return <Loader size="sm" aria-label="Loading seeds" />;
  if (seeds.isError) return <CallError title="Seeds could not be read" error={seeds.error} />;
  const names = seeds.data.seeds.map((s) => s.seed.name);
  if (names.length === 0) {
    return (
      <Text size="sm">
        No seed mailboxes yet. <Anchor href={routeHref({ page: 'seeds' })}>Add seeds</Anchor> at the providers you care about.
      </Text>
    );
  }
  // "All seeds" leaves out the bounce mailbox (the sender's own): it gets no copy unless picked.
  const all = names.filter((n) => n !== exclude);
  const selected = chosen ?? all;
  const notReady = seeds.data.seeds.filter((s) => selected.includes(s.seed.name) && !seedReadiness(s).ready).length;
  return (
    <Checkbox.Group
      label="Seeds"
      description={`${chosen === null ? 'All seeds' : `${selected.length} of ${names.length} seeds`}${notReady ? `; ${notReady} not ready (${notReady === 1 ? 'it ends' : 'they end'} as an error, the others run)` : ''}`}
      value={selected}
      onChange={(value) => onChange(value.length === all.length && all.every((n) => value.includes(n)) ? null : value)}
    >
      <Group gap="md" mt={6} align="flex-start">
        {seeds.data.seeds.map((s) => {
          const readiness = seedReadiness(s);
          return (
            <Checkbox
              key={s.seed.name}
              value={s.seed.name}
              label={`${s.seed.name} (${s.seed.provider})`}
              description={readiness.words}
              data-ready={readiness.ready ? 'yes' : 'no'}
              styles={readiness.ready ? undefined : { description: { color: 'var(--mantine-color-red-text)' } }}
            />
          );
        })}
      </Group>
    </Checkbox.Group>
  );
}

/**
 * Where bounces arrive: a saved seed for the envelope sender's mailbox, watched for delivery status
 * notifications only. Proposed when a seed has the profile's envelope sender as its address.
 */
function BounceChooser({ current, sender, onChange }: { current: string | null; sender: string | undefined; onChange: (name: string | null) => void }) {
  const seeds = useSeeds();
  if (!seeds.data || seeds.data.seeds.length === 0) return null;
  return (
    <NativeSelect
      label="Bounces arrive at"
      description={`The envelope sender's mailbox${sender ? ` (${sender})` : ''}, watched for bounce reports naming the run: a copy that bounced ends as bounced at once. Every seed's own INBOX and Junk are read for them too.`}
      value={current ?? ''}
      onChange={(e) => onChange(e.currentTarget.value === '' ? null : e.currentTarget.value)}
      data={[{ value: '', label: 'only the seeds’ own mailboxes' }, ...seeds.data.seeds.map((s) => ({ value: s.seed.name, label: `${s.seed.name} (${s.seed.address})${seedReadiness(s).ready ? '' : ', not ready'}` }))]}
      maw={640}
    />
  );
}

function RunBoard() {
  const client = useClient();
  const state = usePlacementRun();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const finished = state.status !== 'idle' && state.status !== 'running' ? state.live.run : null;
  const copies = useCopyAnalyses(finished?.id, finished?.copies);
  if (state.status === 'idle') return null;
  const live = state.live;
  const run: PlacementRun | null = live.run;
  return (
    <Paper withBorder p="md" component="section" aria-label="Placement board" data-testid="placement-board" data-status={state.status}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="sm">
            <Title order={2} size="h4">
              {state.status === 'running' ? 'Placement running' : 'Placement run'}
            </Title>
            {state.status === 'running' && <Loader size="xs" aria-label="Running" />}
            {run && (
              <Badge color={run.status === 'done' ? 'green' : run.status === 'cancelled' ? 'gray' : 'red'} variant="light">
                {runStatusLabel(run.status)}
              </Badge>
            )}
            {live.token && (
              <Text size="xs" c="dimmed">
                token {live.token}
              </Text>
            )}
          </Group>
          <Group gap="xs">
            {state.status === 'running' && (
              <Button
                color="red"
                variant="light"
                size="xs"
                disabled={!live.token}
                loading={state.cancelling}
                onClick={() => {
                  setCancelError(null);
                  void cancelPlacement(client).then(setCancelError);
                }}
              >
                Cancel
              </Button>
            )}
            {run?.id !== undefined && (
              <Button size="xs" variant="subtle" component="a" href={routeHref({ page: 'placement-item', id: run.id })}>
                Open in history
              </Button>
            )}
            {state.status !== 'running' && (
              <Button size="xs" variant="subtle" color="gray" onClick={clearPlacement}>
                New run
              </Button>
            )}
          </Group>
        </Group>
        {cancelError && <Text size="sm" c="red">{cancelError}</Text>}
        {state.status === 'error' && (
          <Alert color="red" title="The placement run did not finish" role="alert">
            {state.message}
          </Alert>
        )}
        {live.seeds.length === 0 && state.status === 'running' && (
          <Text size="sm" c="dimmed">
            Connecting to the seeds…
          </Text>
        )}
        {live.seeds.length > 0 && <SummaryStrip seeds={live.seeds} running={state.status === 'running'} />}
        {live.send && !live.send.ok && live.send.error && (
          <Alert color="red" title="The test message was not sent" role="alert">
            {sendErrorText(live.send.error)}
          </Alert>
        )}
        {live.send?.ok && (
          <Text size="sm" c="dimmed">
            Sent through {live.send.profile}
            {live.send.queueId ? `, queue id ${live.send.queueId}` : ''}
            {live.send.timings.acceptedMs !== undefined ? `, accepted after ${formatDuration(live.send.timings.acceptedMs)}` : ''}.
          </Text>
        )}
        {live.seeds.length > 0 && <SeedTable seeds={live.seeds} action={copies.action} />}
        {run && <CleanupNote cleanup={run.cleanup} />}
        {run && <Warnings warnings={run.warnings} />}
        {copies.view}
      </Stack>
    </Paper>
  );
}

function NewRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  const draft = useDraft();
  const state = usePlacementRun();
  const composer = useComposeCheck();
  const [chosen, setChosen] = useState<string[] | null>(null);
  // undefined: the proposal (a seed on the envelope sender's address); null: none.
  const [bounceChoice, setBounceChoice] = useState<string | null | undefined>(undefined);
  const seeds = useSeeds();
  const profiles = useProfiles();
  const sender = envelopeSender(profiles.data?.profiles.find((p) => p.profile.name === draft.profile)?.profile ?? { from: '' });
  const bounceSeed = bounceChoice === undefined ? (seeds.data?.seeds.find((s) => sender !== undefined && s.seed.address.toLowerCase() === sender)?.seed.name ?? null) : bounceChoice;
  const [deadline, setDeadline] = useState<number | string>(DEFAULT_DEADLINE_MIN);
  const [cleanup, setCleanup] = useState(false);
  const minutes = typeof deadline === 'number' ? deadline : Number(deadline);
  const deadlineOk = Number.isFinite(minutes) && minutes >= 1 / 60 && minutes <= 60;
  const ready = draft.profile !== '' && draft.subject.trim() !== '' && draft.html.trim() !== '' && headerProblems(draft.headers).size === 0 && deadlineOk && (chosen === null || chosen.length > 0);

  const start = () => {
    // The composer's problems (a DKIM domain or selector that is not one) show beside their fields.
    if (!composer.submit()) return;
    void startPlacement(client, queryClient, {
      ...composeFields(draft),
      ...(chosen ? { seeds: chosen } : {}),
      ...(bounceSeed ? { bounceSeed } : {}),
      deadlineMs: Math.round(minutes * 60_000),
      cleanup,
    });
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="New placement run">
      <Stack gap="sm">
        <Title order={2} size="h4">
          New run
        </Title>
        <MessageEditor check={composer} />
        <SeedChooser chosen={chosen} onChange={setChosen} exclude={bounceSeed} />
        <BounceChooser current={bounceSeed} sender={sender} onChange={setBounceChoice} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} maw={640}>
          <NumberInput
            label="Deadline (minutes)"
            description="How long to wait for each copy before calling it missing"
            value={deadline}
            onChange={setDeadline}
            min={0.1}
            max={60}
            step={1}
            decimalScale={1}
            allowNegative={false}
            error={deadlineOk ? undefined : 'From a second (0.1) to 60 minutes'}
          />
          <Checkbox
            mt={28}
            label="Delete the probe copies afterwards"
            checked={cleanup}
            onChange={(e) => setCleanup(e.currentTarget.checked)}
          />
        </SimpleGrid>
        <Group>
          <Button onClick={start} disabled={!ready || state.status === 'running'} loading={state.status === 'running'}>
            Start placement test
          </Button>
          {!ready && (
            <Text size="xs" c="dimmed">
              Needs a profile, a subject, the HTML and at least one seed.
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function CountBadges({ counts }: { counts: Record<string, number> }) {
  return (
    <Group gap={4} wrap="wrap">
      {Object.entries(counts).map(([placement, n]) => {
        const look = placementLook(placement as PlacementRun['seeds'][number]['placement']);
        return (
          <Badge key={placement} color={look.color} variant={look.variant} tt="none" size="sm">
            {placement} {n}
          </Badge>
        );
      })}
    </Group>
  );
}

export const PAST_RUN_COLUMNS: readonly PastColumn<PlacementSummaryRow>[] = [
  { header: 'Started', cell: (row) => formatDate(row.startedAt) },
  { header: 'Subject', wrap: true, cell: (row) => row.subject },
  { header: 'Profile', cell: (row) => row.profile },
  { header: 'Status', cell: (row) => runStatusLabel(row.status) },
  { header: 'Placement', cell: (row) => <CountBadges counts={row.counts} /> },
  { header: 'Median latency', numeric: true, cell: (row) => (row.medianLatencyMs === null ? '—' : formatDuration(row.medianLatencyMs)) },
];

function PastRuns() {
  const client = useClient();
  return (
    <PastItems
      title="Past runs"
      level={2}
      region="Past placement runs"
      label="Past placement runs"
      queryKey={['placement', 'list']}
      load={(page) => client.placement.list(page)}
      pageSize={50}
      columns={PAST_RUN_COLUMNS}
      open={{ route: (row) => ({ page: 'placement-item', id: row.id }) }}
      minWidth={760}
      loading="Loading past runs"
      failed="Past runs could not be read"
      empty="No placement runs yet."
    />
  );
}

function TrendRow({ series }: { series: PlacementTrendSeries }) {
  // Oldest first, so the row reads left to right as time passes.
  const points = [...series.points].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-30);
  return (
    <Table.Tr>
      <Table.Td fw={500}>{series.key}</Table.Td>
      <Table.Td>{series.provider ?? '—'}</Table.Td>
      <Table.Td ta="right">{series.total}</Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Box w={120} h={10} style={{ background: 'var(--mantine-color-default-border)', borderRadius: 4, overflow: 'hidden' }} aria-hidden>
            <Box h="100%" w={`${Math.round(series.inboxShare * 100)}%`} style={{ background: 'var(--mantine-color-green-filled)' }} />
          </Box>
          <Text size="sm">{formatShare(series.inboxShare)}</Text>
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={2} wrap="nowrap" aria-label={`Recent placements for ${series.key}`}>
          {points.map((p) => {
            const look = placementLook(p.placement as PlacementRun['seeds'][number]['placement']);
            const label = `${formatDate(p.startedAt)}: ${p.placement}${p.latencyMs !== null ? `, ${formatDuration(p.latencyMs)}` : ''}`;
            return (
              <Tooltip key={`${p.placementId}-${p.startedAt}`} label={label} withArrow>
                <Anchor href={routeHref({ page: 'placement-item', id: p.placementId })} aria-label={label}>
                  <Box
                    w={12}
                    h={16}
                    style={{
                      borderRadius: 2,
                      background: look.variant === 'outline' ? 'transparent' : `var(--mantine-color-${look.color}-filled)`,
                      border: `1px solid var(--mantine-color-${look.color}-filled)`,
                      opacity: reachedInbox(p.placement) || p.placement === 'spam' ? 1 : 0.8,
                    }}
                  />
                </Anchor>
              </Tooltip>
            );
          })}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function Trend() {
  const client = useClient();
  const [by, setBy] = useState<'seed' | 'provider'>('seed');
  const trend = useQuery({ queryKey: ['placement', 'trend', by], queryFn: () => client.placement.trend({ by, limit: 50 }), placeholderData: keepPreviousData });
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        w="fit-content"
        value={by}
        onChange={(v) => setBy(v === 'provider' ? 'provider' : 'seed')}
        data={[
          { value: 'seed', label: 'Per seed' },
          { value: 'provider', label: 'Per provider' },
        ]}
        aria-label="Trend by"
      />
      {trend.isPending && <Loader size="sm" aria-label="Loading the trend" />}
      {trend.isError && <CallError title="The trend could not be read" error={trend.error} />}
      {trend.data && trend.data.series.length === 0 && <Text size="sm" c="dimmed">No runs yet.</Text>}
      {trend.data && trend.data.series.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={by === 'seed' ? 'Placement over time per seed' : 'Placement over time per provider'} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{by === 'seed' ? 'Seed' : 'Provider'}</Table.Th>
                <Table.Th>{by === 'seed' ? 'Provider' : ''}</Table.Th>
                <Table.Th ta="right">Runs</Table.Th>
                <Table.Th>Reached the inbox</Table.Th>
                <Table.Th>Recent runs, oldest first</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trend.data.series.map((s) => (
                <TrendRow key={s.key} series={s} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function PlacementPage() {
  const state = usePlacementRun();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Inbox placement
      </Title>
      <Text size="sm" c="dimmed" maw={760}>
        Sends the test message to every seed mailbox and watches where each copy lands: inbox, a Gmail tab
        (category:promotions…), spam, another folder, bounced when a bounce report names the copy, or missing when
        nothing arrives before the deadline.
      </Text>
      {state.status === 'idle' ? <NewRun /> : <RunBoard />}
      <PastRuns />
      <section aria-label="Placement over time">
        <Title order={2} size="h4" mb="xs">
          Placement over time
        </Title>
        <Trend />
      </section>
    </Stack>
  );
}

/** One stored run: the same board, read from history. */
export function PlacementItemPage({ id }: { id: number }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const run = useQuery({ queryKey: ['placement', 'get', id], queryFn: () => client.placement.get({ id }) });
  const copies = useCopyAnalyses(run.data ? id : undefined, run.data?.copies);
  return (
    <Stack gap="md">
      <Anchor href={routeHref({ page: 'placement' })} size="sm">
        ← Inbox placement
      </Anchor>
      {run.isPending && <Loader size="sm" aria-label="Loading the run" />}
      {run.isError && <CallError title={`Placement run #${id} could not be read`} error={run.error} />}
      {run.data && (
        <Stack gap="sm" data-testid="placement-run">
          <Group justify="space-between">
            <Group gap="sm">
              <Title order={1} size="h2">
                Placement run #{id}
              </Title>
              <Badge color={run.data.status === 'done' ? 'green' : runDidNotFinish(run.data.status) ? 'yellow' : run.data.status === 'cancelled' ? 'gray' : 'red'} variant="light">
                {runStatusLabel(run.data.status)}
              </Badge>
            </Group>
            <Group gap="sm" align="flex-start">
              <ExportReportButton kind="placement" id={id} size="xs" />
              <DeleteButton
                label="Delete run"
                size="xs"
                variant="subtle"
                item={`placement run #${id}`}
                consequence={`The run of “${run.data.subject}” and where each copy landed leave history for good.`}
                remove={() => client.placement.delete({ id })}
                onDeleted={async () => {
                  await queryClient.invalidateQueries({ queryKey: ['placement'] });
                  navigate({ page: 'placement' });
                }}
              />
            </Group>
          </Group>
          <Text size="sm" c="dimmed">
            &ldquo;{run.data.subject}&rdquo; through {run.data.profile}, started {formatDate(run.data.startedAt)}
            {run.data.finishedAt ? `, finished ${formatDate(run.data.finishedAt)}` : ''}; deadline {formatDuration(run.data.deadlineMs)}; token {run.data.token}
          </Text>
          {runDidNotFinish(run.data.status) && (
            <Alert color="yellow" title="This run did not finish">
              It was interrupted (the app closed or the backend stopped) and is shown as far as it got.
            </Alert>
          )}
          {run.data.qa && <QaSummaryNote summary={run.data.qa} />}
          <SummaryStrip seeds={run.data.seeds} running={false} />
          <SeedTable seeds={run.data.seeds} action={copies.action} />
          <CleanupNote cleanup={run.data.cleanup} />
          <Warnings warnings={run.data.warnings} />
          {copies.view}
          {run.data.send && <SendResultView result={run.data.send} title="The test send" />}
        </Stack>
      )}
    </Stack>
  );
}
