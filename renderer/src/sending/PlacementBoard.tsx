/**
 * The placement board: the summary strip and one row per seed, live or from history.
 */
import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { Fragment, useState, type ReactNode } from 'react';
import type { SeedOutcome } from '../../../electron/api/types';
import { formatDate, formatDuration } from '../format';
import { ImapErrorAlert, PlacementBadge, SeedStateBadge } from './parts';
import { formatShare, summarizeSeeds } from './placement-view';

export function SummaryStrip({ seeds, running }: { seeds: readonly SeedOutcome[]; running: boolean }) {
  const summary = summarizeSeeds(seeds);
  return (
    <Paper withBorder p="sm" component="section" aria-label="Placement summary" data-testid="placement-summary">
      <Group gap="lg" wrap="wrap">
        {summary.shares.map((entry) => (
          <Group key={entry.placement} gap={6} wrap="nowrap" data-share={entry.placement}>
            <PlacementBadge placement={entry.placement as SeedOutcome['placement']} />
            <Text size="sm" fw={600}>
              {formatShare(entry.share)}
            </Text>
            <Text size="xs" c="dimmed">
              ({entry.count} of {summary.total})
            </Text>
          </Group>
        ))}
        <Group gap={6} wrap="nowrap">
          <Text size="sm" c="dimmed">
            Median latency
          </Text>
          <Text size="sm" fw={600} data-testid="median-latency">
            {summary.medianLatencyMs === null ? '—' : formatDuration(summary.medianLatencyMs)}
          </Text>
        </Group>
        {running && (
          <Text size="sm" c="dimmed">
            {summary.settled} of {summary.total} seeds settled
          </Text>
        )}
      </Group>
    </Paper>
  );
}

function HeaderValues({ title, values }: { title: string; values: string[] }) {
  return (
    <div>
      <Text size="xs" fw={600} mb={2}>
        {title}
      </Text>
      {values.length === 0 ? (
        <Text size="xs" c="dimmed">
          none
        </Text>
      ) : (
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 'var(--mantine-font-size-xs)' }}>
          {values.join('\n')}
        </Code>
      )}
    </div>
  );
}

function SeedDetails({ outcome }: { outcome: SeedOutcome }) {
  const d = outcome.detection;
  return (
    <Stack gap="xs" py={4}>
      {outcome.error && <ImapErrorAlert error={outcome.error} />}
      {d && (
        <>
          <Text size="xs" c="dimmed">
            Found {d.via === 'idle' ? 'by IDLE push' : d.via === 'poll' ? 'by a search' : 'already there when the watcher connected'} at {formatDate(d.detectedAt)}, UID {d.uid}
            {d.labels && d.labels.length > 0 ? ` · Gmail labels: ${d.labels.join(', ')}` : ''}
          </Text>
          <HeaderValues title="Authentication-Results" values={d.authenticationResults} />
          <HeaderValues title="Spam headers" values={Object.entries(d.spamHeaders).flatMap(([name, values]) => values.map((v) => `${name}: ${v}`))} />
        </>
      )}
      {outcome.bounce && (
        <Alert color="orange" title={`Bounced: ${outcome.bounce.status}`} data-testid="bounce">
          <Text size="sm">{outcome.bounce.diagnostic ?? 'The report gave no diagnostic.'}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            Bounce report for {outcome.bounce.finalRecipient}
            {outcome.bounce.reportingMta ? ` from ${outcome.bounce.reportingMta}` : ''}, found in {outcome.bounce.mailbox}/{outcome.bounce.folder} at{' '}
            {formatDate(outcome.bounce.detectedAt)}, matched by the run&apos;s {outcome.bounce.matchedBy === 'token' ? 'token' : 'Message-ID'}.
          </Text>
        </Alert>
      )}
      {!d && !outcome.error && !outcome.bounce && (
        <Text size="xs" c="dimmed">
          {outcome.placement === 'missing' ? 'No copy was found in any folder before the deadline.' : 'Not found yet.'}
        </Text>
      )}
      {outcome.searched && (
        <Text size="xs" c="dimmed" data-testid="searched">
          {outcome.searched.explanation}
        </Text>
      )}
      {outcome.reconnects > 0 && (
        <Text size="xs" c="orange">
          The IMAP connection dropped and was re-established {outcome.reconnects} {outcome.reconnects === 1 ? 'time' : 'times'}.
        </Text>
      )}
    </Stack>
  );
}

/**
 * One row per seed; a row opens to the copy's Authentication-Results and spam headers, or the error.
 * `action` adds a seed's own buttons (Analyse this copy) beside Details.
 */
export function SeedTable({ seeds, action }: { seeds: readonly SeedOutcome[]; action?: (outcome: SeedOutcome) => ReactNode }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (seed: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(seed)) next.delete(seed);
      else next.add(seed);
      return next;
    });
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label="Placement per seed" verticalSpacing="xs" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Seed</Table.Th>
            <Table.Th>Provider</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Placement</Table.Th>
            <Table.Th>Folder</Table.Th>
            <Table.Th ta="right">Latency</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {seeds.map((s) => (
            <Fragment key={s.seed}>
              <Table.Tr data-seed={s.seed} data-placement={s.placement}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {s.seed}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {s.address}
                  </Text>
                </Table.Td>
                <Table.Td>{s.provider}</Table.Td>
                <Table.Td>
                  <SeedStateBadge state={s.state} />
                </Table.Td>
                <Table.Td>
                  <PlacementBadge placement={s.placement} />
                  {s.error && s.placement === 'error' && (
                    <Text size="xs" c="red" mt={2}>
                      {s.error.code}
                    </Text>
                  )}
                  {s.bounce && (
                    <Text size="xs" c="orange" mt={2}>
                      {s.bounce.status}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{s.detection?.folder ?? '—'}</Table.Td>
                <Table.Td ta="right" data-testid="latency">
                  {s.detection ? formatDuration(s.detection.latencyMs) : s.bounce ? formatDuration(s.bounce.latencyMs) : '—'}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    {action?.(s)}
                    <Button size="compact-xs" variant="subtle" onClick={() => toggle(s.seed)} aria-expanded={open.has(s.seed)} aria-label={`Details for ${s.seed}`}>
                      {open.has(s.seed) ? 'Hide' : 'Details'}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
              {open.has(s.seed) && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <SeedDetails outcome={s} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function CleanupNote({ cleanup }: { cleanup: Record<string, 'deleted' | 'failed' | 'not-found'> | undefined }) {
  if (!cleanup || Object.keys(cleanup).length === 0) return null;
  const entries = Object.entries(cleanup);
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm" c="dimmed">
        Clean-up:
      </Text>
      {entries.map(([seed, result]) => (
        <Badge key={seed} variant="light" color={result === 'deleted' ? 'green' : result === 'failed' ? 'red' : 'gray'} tt="none">
          {seed}: {result === 'not-found' ? 'nothing to delete' : result}
        </Badge>
      ))}
    </Group>
  );
}
