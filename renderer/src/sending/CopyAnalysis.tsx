/**
 * "Analyse this copy" on the placement board: a found copy fetched from its seed and analysed where
 * it landed, shown with the message analysis view and what the receiving server recorded.
 */
import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { AnalysedCopy, CarriedSpamVerdict, CopyAnalysis, SeedOutcome } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { MessageResultView } from '../received/MessageResultView';

const FILTER: Record<CarriedSpamVerdict['filter'], string> = {
  spamassassin: 'SpamAssassin',
  rspamd: 'rspamd',
  microsoft: 'Microsoft',
  gmail: 'Gmail',
  barracuda: 'Barracuda',
  proofpoint: 'Proofpoint',
  other: 'A filter',
};

const VERDICT: Record<CarriedSpamVerdict['verdict'], { label: string; color: string }> = {
  spam: { label: 'Spam', color: 'red' },
  ham: { label: 'Not spam', color: 'green' },
  unknown: { label: 'Score only', color: 'gray' },
};

/** The receiving server's Authentication-Results and the spam verdicts the copy carries. */
function RecordedByReceiver({ copy }: { copy: CopyAnalysis }) {
  const { recorded } = copy;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="recorded-title" data-testid="recorded-by-receiver">
      <Stack gap="sm">
        <Title order={3} size="h5" id="recorded-title">
          What the receiving server recorded
        </Title>
        {recorded.authenticationResults.length === 0 ? (
          <Text size="sm" data-testid="recorded-auth">
            The receiving server recorded no authentication: the copy carries no Authentication-Results header. Deliverlab&apos;s own verification is in the Authentication tab below.
          </Text>
        ) : (
          <Stack gap={4} data-testid="recorded-auth">
            <Text size="sm">
              Authentication as {recorded.authServId ?? 'the receiving server'} recorded it:{' '}
              {copy.analysis.receiver.results.map((r) => `${r.method} ${r.result}`).join(', ') || 'no results'}
              {copy.analysis.receiver.differences.length > 0 ? `; Deliverlab sees ${copy.analysis.receiver.differences.map((d) => `${d.method} ${d.ours}`).join(', ')} now` : '; Deliverlab agrees'}.
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 'var(--mantine-font-size-xs)' }}>
              {recorded.authenticationResults.join('\n')}
            </Code>
          </Stack>
        )}
        {recorded.spamVerdicts.length === 0 ? (
          <Text size="sm" data-testid="recorded-spam">
            The copy carries no spam filter verdict header.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={600}>
            <Table aria-label="Spam filter verdicts the copy carries" verticalSpacing="xs" withTableBorder data-testid="recorded-spam">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Filter</Table.Th>
                  <Table.Th>Verdict</Table.Th>
                  <Table.Th>Score</Table.Th>
                  <Table.Th>What it says</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {recorded.spamVerdicts.map((v, i) => (
                  <Table.Tr key={`${v.header}-${i}`}>
                    <Table.Td>
                      <Text size="sm">{FILTER[v.filter]}</Text>
                      <Text size="xs" c="dimmed">
                        {v.header}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={VERDICT[v.verdict].color} tt="none">
                        {VERDICT[v.verdict].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{v.score === undefined ? '—' : `${v.score}${v.threshold !== undefined ? ` of ${v.threshold}` : ''}`}</Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                        {v.meaning}
                      </Text>
                      {v.rules && v.rules.length > 0 && (
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          Rules: {v.rules.map((r) => (r.score === undefined ? r.name : `${r.name} (${r.score})`)).join(', ')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

export function CopyAnalysisView({ copy, runId }: { copy: CopyAnalysis; runId: number }) {
  const client = useClient();
  return (
    <Stack gap="md" component="section" aria-labelledby="copy-title" data-testid="copy-analysis">
      <div>
        <Title order={2} size="h3" id="copy-title">
          The copy in {copy.seed}
        </Title>
        <Text size="sm" c="dimmed">
          Fetched from {copy.folder}
          {copy.moved ? ' (moved there since the run found it)' : ''} at {formatDate(copy.fetchedAt)}
        </Text>
      </div>
      {copy.historyError && (
        <Alert color="orange" title="Not saved in history">
          {copy.historyError}
        </Alert>
      )}
      <RecordedByReceiver copy={copy} />
      <MessageResultView analysis={copy.analysis} readiness={{ key: ['copy', runId, copy.seed, copy.fetchedAt], load: () => client.message.readiness({ placement: runId, seed: copy.seed }) }} />
    </Stack>
  );
}

/**
 * The copies of a stored run: the button each found copy gets on the board, and the analysis opened.
 * `analysed` lists the copies analysed before (opened from history without fetching them again).
 */
export function useCopyAnalyses(runId: number | undefined, analysed: readonly AnalysedCopy[] = []): { action: (outcome: SeedOutcome) => ReactNode; view: ReactNode } {
  const client = useClient();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [shown, setShown] = useState<CopyAnalysis | null>(null);
  const [problem, setProblem] = useState<{ seed: string; message: string } | null>(null);
  const run = async (seed: string, work: () => Promise<CopyAnalysis>) => {
    setBusy(seed);
    setProblem(null);
    try {
      setShown(await work());
    } catch (err) {
      setProblem({ seed, message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };
  const action = (outcome: SeedOutcome): ReactNode => {
    if (runId === undefined || !outcome.detection) return null;
    const before = analysed.some((c) => c.seed === outcome.seed);
    return (
      <Group gap={4} wrap="nowrap">
        <Button
          size="compact-xs"
          variant="light"
          loading={busy === outcome.seed}
          disabled={busy !== null && busy !== outcome.seed}
          aria-label={`Analyse this copy (${outcome.seed})`}
          onClick={() =>
            void run(outcome.seed, async () => {
              const copy = await client.placement['analyse-copy']({ id: runId, seed: outcome.seed });
              await queryClient.invalidateQueries({ queryKey: ['placement', 'get', runId] });
              return copy;
            })
          }
        >
          Analyse this copy
        </Button>
        {before && (
          <Button size="compact-xs" variant="subtle" aria-label={`Open the analysis (${outcome.seed})`} disabled={busy !== null} onClick={() => void run(outcome.seed, () => client.placement.copy({ id: runId, seed: outcome.seed }))}>
            Open the analysis
          </Button>
        )}
      </Group>
    );
  };
  const view = (
    <>
      {problem && (
        <Alert color="red" title={`The copy in ${problem.seed} could not be analysed`} role="alert" data-testid="copy-error">
          {problem.message}
        </Alert>
      )}
      {shown && runId !== undefined && <CopyAnalysisView key={`${shown.seed}-${shown.fetchedAt}`} copy={shown} runId={runId} />}
    </>
  );
  return { action, view };
}
