/**
 * The spam filters' verdicts: per filter its score against its threshold and its verdict, then every
 * rule that fired, grouped, with its plain explanation, a mark on rules that need network lookups, and
 * a way to the Deliverlab finding about the same thing.
 */
import { Alert, Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Finding, SpamFilterResult, SpamRule, SpamRuleGroup, SpamVerdict } from '../../../electron/api/types';
import { navigate } from '../router';
import { SPAM_FILTER_NAMES } from '../../../electron/shared/spam-words';


const GROUPS: { group: SpamRuleGroup; title: string }[] = [
  { group: 'authentication', title: 'Authentication' },
  { group: 'content', title: 'Content' },
  { group: 'headers', title: 'Headers' },
  { group: 'blocklists', title: 'Blocklists' },
  { group: 'bayes', title: 'Bayes (learned statistics)' },
  { group: 'other', title: 'Other' },
];

const points = (n: number) => `${n > 0 ? '+' : ''}${Math.round(n * 100) / 100}`;

function RuleRow({ rule, finding, onShowFinding }: { rule: SpamRule; finding?: Finding; onShowFinding?: (finding: Finding) => void }) {
  return (
    <Table.Tr data-testid="spam-rule" data-rule={rule.name}>
      <Table.Td style={{ whiteSpace: 'nowrap', textAlign: 'right', verticalAlign: 'top' }}>
        <Text size="sm" fw={600} c={rule.score > 0 ? 'red' : rule.score < 0 ? 'green' : 'dimmed'}>
          {points(rule.score)}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Stack gap={2}>
          <Group gap="xs">
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {rule.name}
            </Text>
            {rule.network && (
              <Badge size="sm" variant="default" tt="none" title="This rule depends on DNS lookups (blocklists, reputation) that this filter may not have been able to make">
                needs network lookups
              </Badge>
            )}
          </Group>
          <Text size="sm">{rule.description}</Text>
          {rule.filterDescription && (
            <Text size="xs" c="dimmed">
              The filter says: {rule.filterDescription}
            </Text>
          )}
          {finding && onShowFinding && (
            <Anchor component="button" type="button" size="sm" ta="left" onClick={() => onShowFinding(finding)}>
              Deliverlab&apos;s finding: {finding.title}
            </Anchor>
          )}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

function FilterVerdict({ verdict, findings, onShowFinding }: { verdict: SpamVerdict; findings: readonly Finding[]; onShowFinding?: (finding: Finding) => void }) {
  const name = SPAM_FILTER_NAMES[verdict.filter];
  const headingId = `spam-${verdict.filter}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid={`spam-filter-${verdict.filter}`}>
      <Group justify="space-between" align="center" mb="xs">
        <Title order={3} size="h5" id={headingId}>
          {name} {verdict.version}
        </Title>
        <Badge color={verdict.verdict === 'spam' ? 'red' : 'green'} variant="light" size="lg" tt="none" data-testid="spam-verdict" data-verdict={verdict.verdict}>
          {verdict.verdict === 'spam' ? 'Spam' : 'Not spam'}
        </Badge>
      </Group>
      <Text size="sm" data-testid="spam-score">
        Score {Math.round(verdict.score * 100) / 100} of {Math.round(verdict.threshold * 100) / 100}
        {verdict.action ? ` · action: ${verdict.action}` : ''}
      </Text>
      {GROUPS.map(({ group, title }) => {
        const rules = verdict.rules.filter((r) => r.group === group);
        if (rules.length === 0) return null;
        return (
          <Stack key={group} gap={4} mt="sm">
            <Title order={4} size="h6">
              {title}
            </Title>
            <Table withRowBorders={false} verticalSpacing={4} aria-label={`${name}: ${title}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th style={{ width: '5rem', textAlign: 'right' }}>Points</Table.Th>
                  <Table.Th>Rule</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rules.map((rule) => {
                  const finding = rule.finding ? findings.find((f) => f.code === rule.finding) : undefined;
                  return <RuleRow key={rule.name} rule={rule} {...(finding ? { finding } : {})} {...(onShowFinding ? { onShowFinding } : {})} />;
                })}
              </Table.Tbody>
            </Table>
          </Stack>
        );
      })}
    </Paper>
  );
}

/** The verdicts of every filter asked; none asked is a clear state with the way to set one up. */
export function SpamVerdicts({
  results,
  findings = [],
  onShowFinding,
}: {
  results: readonly SpamFilterResult[];
  findings?: readonly Finding[];
  onShowFinding?: (finding: Finding) => void;
}) {
  if (results.length === 0) {
    return (
      <Alert color="gray" title="No spam filter is set up" data-testid="spam-none">
        <Text size="sm">
          Deliverlab can ask SpamAssassin and rspamd what they think of a message. Give their addresses in{' '}
          <Anchor component="button" type="button" size="sm" onClick={() => navigate({ page: 'settings' })}>
            Settings
          </Anchor>
          , where you will also find how to install them.
        </Text>
      </Alert>
    );
  }
  return (
    <Stack gap="md" data-testid="spam-verdicts">
      {results.map((r) =>
        r.verdict === 'error' ? (
          <Alert key={r.filter} color="orange" title={`${SPAM_FILTER_NAMES[r.filter]}: no verdict`} data-testid={`spam-filter-${r.filter}`} data-verdict="error">
            <Text size="sm">{r.error}</Text>
          </Alert>
        ) : (
          <FilterVerdict key={r.filter} verdict={r} findings={findings} {...(onShowFinding ? { onShowFinding } : {})} />
        ),
      )}
    </Stack>
  );
}

/** The Spam filters tab of a message analysis. */
export function SpamFiltersTab({ results, findings, onShowFinding }: { results: SpamFilterResult[] | undefined; findings: readonly Finding[]; onShowFinding: (finding: Finding) => void }) {
  if (results === undefined) {
    return (
      <Text size="sm" c="dimmed" data-testid="spam-not-asked">
        This message was analysed without the spam filters. Analyse it again with &ldquo;Score with the spam filters&rdquo; ticked to see their verdicts.
      </Text>
    );
  }
  return <SpamVerdicts results={results} findings={findings} onShowFinding={onShowFinding} />;
}
