import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import type { AuditResult } from '../../../electron/core/audit/types';
import { CHECKS, type CheckId } from '../checks/registry';
import { FindingList } from './FindingList';
import { StatusBadge } from './StatusBadge';

/** One check's panel: heading and status, the check's own details, then its findings. */
export function CheckSection<K extends CheckId>({ id, result }: { id: K; result: AuditResult }) {
  const headingId = useId();
  const definition = CHECKS[id];
  const data = result.checks[id];
  if (!definition || !data) return null;
  const findings = result.findings.filter((finding) => finding.check === id);
  const { Panel } = definition;
  return (
    <Paper component="section" withBorder p="md" aria-labelledby={headingId} data-testid={`check-${id}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={3} id={headingId}>
              {definition.title}
            </Title>
            <Text size="sm" c="dimmed">
              {definition.question}
            </Text>
          </div>
          <StatusBadge status={data.status} />
        </Group>
        <Panel data={data} findings={findings} result={result} />
        <Title order={4} size="h5">
          Findings
        </Title>
        <FindingList findings={findings} />
      </Stack>
    </Paper>
  );
}
