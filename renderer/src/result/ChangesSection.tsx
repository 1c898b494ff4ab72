import { Anchor, Badge, Box, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useId } from 'react';
import type { AuditDiff, Finding } from '../../../electron/api/types';
import { checkTitle } from '../checks/registry';
import { formatDate } from '../format';
import { routeHref } from '../router';
import { SeverityBadge } from './SeverityBadge';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function RecordValue({ value }: { value: string | null }) {
  if (value === null) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        none
      </Text>
    );
  }
  return (
    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {value}
    </Code>
  );
}

function FindingChanges({ findings, kind }: { findings: Finding[]; kind: 'added' | 'resolved' }) {
  if (findings.length === 0) return null;
  const color = kind === 'added' ? 'red' : 'green';
  return (
    <div>
      <Text size="sm" fw={600} c={color} mb={4}>
        {kind === 'added' ? `New findings (${findings.length})` : `Resolved (${findings.length})`}
      </Text>
      <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: 'none' }} aria-label={kind === 'added' ? 'New findings' : 'Resolved findings'}>
        {[...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]).map((f, index) => (
          <Group
            component="li"
            key={`${f.code}-${index}`}
            gap="sm"
            wrap="wrap"
            data-code={f.code}
            pl="sm"
            style={{ borderLeft: `3px solid var(--mantine-color-${color}-filled)` }}
          >
            <Text span size="sm" fw={700} c={color} aria-hidden>
              {kind === 'added' ? '+' : '✓'}
            </Text>
            {/* A fixed width lines the titles up whatever the badge says. */}
            <Box w={84}>
              {kind === 'added' ? <SeverityBadge severity={f.severity} /> : <Badge color="green" variant="light">Resolved</Badge>}
            </Box>
            <Text size="sm">
              {f.title}
            </Text>
            <Code>{f.code}</Code>
          </Group>
        ))}
      </Stack>
    </div>
  );
}

/** What changed since the previous audit of the same domain: score, records, findings. */
export function ChangesSection({ diff }: { diff: AuditDiff }) {
  const titleId = useId();
  const since = formatDate(diff.previousAt);
  const unchanged = diff.records.length === 0 && diff.added.length === 0 && diff.resolved.length === 0 && diff.scoreBefore === diff.scoreAfter;
  const delta = diff.scoreAfter - diff.scoreBefore;
  const previous =
    diff.previousId !== null ? (
      <Anchor href={routeHref({ page: 'history-item', id: diff.previousId })} size="sm">
        Open the previous audit
      </Anchor>
    ) : null;

  if (unchanged) {
    return (
      <Paper withBorder p="sm" px="md" component="section" aria-labelledby={titleId} data-testid="audit-changes">
        <Group justify="space-between" gap="sm">
          <Text size="sm" id={titleId}>
            <Text span fw={600} inherit>
              No change since {since}
            </Text>{' '}
            <Text span c="dimmed" inherit>
              (score {diff.scoreAfter}, same records and findings)
            </Text>
          </Text>
          {previous}
        </Group>
      </Paper>
    );
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId} data-testid="audit-changes">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Text fw={700} id={titleId}>
            Changes since {since}
          </Text>
          {previous}
        </Group>
        <Group gap="xs" data-testid="audit-changes-score">
          <Text size="sm">
            Score {diff.scoreBefore} → {diff.scoreAfter}
          </Text>
          {delta !== 0 && (
            <Badge color={delta > 0 ? 'green' : 'red'} variant="light">
              {delta > 0 ? `+${delta}` : delta}
            </Badge>
          )}
        </Group>
        {diff.records.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Changed records" verticalSpacing={6} layout="fixed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={180}>Record</Table.Th>
                  <Table.Th>Before</Table.Th>
                  <Table.Th>After</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {diff.records.map((r) => (
                  <Table.Tr key={`${r.check}-${r.what}`} style={{ verticalAlign: 'top' }}>
                    <Table.Td>
                      <Text size="sm" fw={500} title={checkTitle(r.check)}>
                        {r.what.charAt(0).toUpperCase() + r.what.slice(1)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <RecordValue value={r.before} />
                    </Table.Td>
                    <Table.Td>
                      <RecordValue value={r.after} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <FindingChanges findings={diff.added} kind="added" />
        <FindingChanges findings={diff.resolved} kind="resolved" />
      </Stack>
    </Paper>
  );
}
