/**
 * The design QA a send was made with, as history keeps it: counts by severity and the codes.
 */
import { Code, Group, Paper, Text } from '@mantine/core';
import type { QaSummary } from '../../../electron/api/types';
import { formatDate } from '../format';
import { SeverityBadge } from '../result/SeverityBadge';
import { countWords } from './qa-findings';

export function QaSummaryNote({ summary, title = 'Design QA before sending' }: { summary: QaSummary; title?: string }) {
  const { counts } = summary;
  return (
    <Paper withBorder p="sm" component="section" aria-label={title} data-testid="qa-summary">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {title}:
        </Text>
        {counts.critical > 0 && <SeverityBadge severity="critical" />}
        <Text size="sm">
          {countWords(counts)}
          {summary.file ? ` in ${summary.file}` : ''}, checked {formatDate(summary.checkedAt)}
        </Text>
      </Group>
      {summary.codes.length > 0 && (
        <Group gap={4} mt={6} wrap="wrap" aria-label="Finding codes">
          {summary.codes.map((code) => (
            <Code key={code}>{code}</Code>
          ))}
        </Group>
      )}
    </Paper>
  );
}
