/**
 * History's tools beyond the list: a domain's score over time, and what changed between any two
 * stored audits (history.compare), the earlier and the later picked from the audits listed.
 */
import { LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Group, List, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { HistoryList } from '../../../electron/api/operations';
import type { AuditChanges } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate, gradeColor } from '../format';

type Audit = HistoryList['items'][number];

/** The score of a domain's stored audits, oldest first. */
export function ScoreTrend({ domain, audits }: { domain: string; audits: readonly Audit[] }) {
  const points = audits
    .filter((a) => a.domain === domain)
    .slice()
    .reverse()
    .map((a) => ({ audited: formatDate(a.startedAt), Score: a.score }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="trend-title">
      <Title order={2} size="h4" id="trend-title" mb="xs">
        Score over time for {domain}
      </Title>
      {points.length < 2 ? (
        <Text size="sm" c="dimmed">
          {points.length === 1 ? 'One audit so far: the trend shows from the second.' : `No stored audits of ${domain}.`}
        </Text>
      ) : (
        <LineChart
          h={200}
          data={points}
          dataKey="audited"
          series={[{ name: 'Score', color: 'blue.7' }]}
          yAxisProps={{ domain: [0, 100] }}
          curveType="linear"
          role="img"
          aria-label={`Score of ${domain} over its last ${points.length} audits: ${points.map((p) => p.Score).join(', ')}`}
        />
      )}
    </Paper>
  );
}

const auditLabel = (a: Audit) => `${a.domain} · ${formatDate(a.startedAt)} · ${a.grade} (${a.score})`;

function Changes({ changes }: { changes: AuditChanges }) {
  return (
    <Stack gap="xs" data-testid="audit-changes">
      <Group gap="xs">
        <Text size="sm">Grade</Text>
        <Badge color={gradeColor(changes.grade.before)} variant="light">
          {changes.grade.before}
        </Badge>
        <Text size="sm">→</Text>
        <Badge color={gradeColor(changes.grade.after)} variant="light">
          {changes.grade.after}
        </Badge>
        <Text size="sm">
          Score {changes.score.before} → {changes.score.after}
        </Text>
      </Group>
      {changes.records.length + changes.added.length + changes.resolved.length + changes.checks.length === 0 ? (
        <Text size="sm">Nothing changed between these audits.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {changes.records.length > 0 && (
            <div>
              <Text size="sm" fw={600}>
                Records changed
              </Text>
              <List size="sm">
                {changes.records.map((r) => (
                  <List.Item key={r.check}>
                    {r.title}: {r.removed.length > 0 && <>before “{r.removed.join('”, “')}” </>}
                    {r.added.length > 0 && <>after “{r.added.join('”, “')}”</>}
                  </List.Item>
                ))}
              </List>
            </div>
          )}
          <FindingTitles heading="New findings" findings={changes.added} />
          <FindingTitles heading="Resolved findings" findings={changes.resolved} />
          {changes.checks.length > 0 && (
            <div>
              <Text size="sm" fw={600}>
                Checks whose result changed
              </Text>
              <List size="sm">
                {changes.checks.map((c) => (
                  <List.Item key={c.check}>
                    {c.title}: {c.before} → {c.after}
                  </List.Item>
                ))}
              </List>
            </div>
          )}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** Compare any two of the audits listed: the earlier is compared with the later, whichever way they were picked. */
export function CompareAudits({ audits }: { audits: readonly Audit[] }) {
  const client = useClient();
  const [first, setFirst] = useState<string | null>(null);
  const [second, setSecond] = useState<string | null>(null);
  const [pair, setPair] = useState<{ a: number; b: number } | null>(null);
  const options = audits.map((a) => ({ value: String(a.id), label: auditLabel(a) }));
  const changes = useQuery({ queryKey: ['history', 'compare', pair], queryFn: () => client.history.compare(pair as { a: number; b: number }), enabled: pair !== null });
  const compare = () => {
    const x = audits.find((a) => String(a.id) === first);
    const y = audits.find((a) => String(a.id) === second);
    if (!x || !y || x.id === y.id) return;
    const [a, b] = x.startedAt <= y.startedAt ? [x, y] : [y, x];
    setPair({ a: a.id, b: b.id });
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="compare-title">
      <Title order={2} size="h4" id="compare-title" mb="xs">
        Compare two audits
      </Title>
      {audits.length < 2 ? (
        <Text size="sm" c="dimmed">
          Two stored audits are needed to compare.
        </Text>
      ) : (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Select label="One audit" data={options} value={first} onChange={setFirst} searchable nothingFoundMessage="No audit matches" />
            <Select label="The other audit" data={options} value={second} onChange={setSecond} searchable nothingFoundMessage="No audit matches" />
          </SimpleGrid>
          <Group>
            <Button variant="light" onClick={compare} disabled={!first || !second || first === second}>
              Compare
            </Button>
            {first && first === second && (
              <Text size="sm" c="dimmed">
                Pick two different audits.
              </Text>
            )}
          </Group>
          {changes.isError && (
            <Alert color="red" title="The audits could not be compared">
              {errorMessage(changes.error)}
            </Alert>
          )}
          {changes.data && <Changes changes={changes.data} />}
        </Stack>
      )}
    </Paper>
  );
}

/** A heading and the titles of the findings under it; nothing when there are none. */
function FindingTitles({ heading, findings }: { heading: string; findings: readonly { code: string; title: string }[] }) {
  if (findings.length === 0) return null;
  return (
    <div>
      <Text size="sm" fw={600}>
        {heading}
      </Text>
      <List size="sm">
        {findings.map((f) => (
          <List.Item key={`${f.code}-${f.title}`}>{f.title}</List.Item>
        ))}
      </List>
    </div>
  );
}
