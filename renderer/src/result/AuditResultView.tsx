import { Badge, Button, Group, Paper, RingProgress, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditResult } from '../../../electron/api/types';
import { CHECK_ORDER, isCheckId } from '../checks/registry';
import { formatDate, formatDuration, gradeColor } from '../format';
import { ChangesSection } from './ChangesSection';
import { CheckSection, OTHER_FINDINGS_ID } from './CheckSection';
import { CheckSummary } from './CheckSummary';
import { DnsTranscript } from './DnsTranscript';
import { FindingList } from './FindingList';
import { FixFirst } from './FixFirst';

/** One figure of the audit's header, its label above it (not a row of facts: see checks/parts.tsx). */
function HeaderStat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

/**
 * A whole audit: score, what to fix first, every check's status at a glance, what changed since the
 * last audit, one panel per check, then the DNS transcript.
 */
export function AuditResultView({ result, actions }: { result: AuditResult; actions?: ReactNode }) {
  const critical = result.findings.filter((f) => f.severity === 'critical').length;
  const warning = result.findings.filter((f) => f.severity === 'warning').length;
  const color = gradeColor(result.grade);
  // Findings from a check this version has no panel for (a newer history row) still show.
  const orphans = result.findings.filter((f) => !isCheckId(f.check));
  // A domain that does not exist: one headline, no grade (the core skips the other checks).
  const missing = result.findings.find((f) => f.code === 'domain.nxdomain');
  return (
    <Stack gap="md" data-testid="audit-result">
      <Paper withBorder p="md">
        <Group justify="space-between" align="center" wrap="wrap" gap="md">
          <Group gap="md" wrap="nowrap">
            <RingProgress
              size={88}
              thickness={8}
              roundCaps
              sections={[{ value: Math.max(0, Math.min(100, result.score)), color }]}
              label={
                <Text ta="center" fw={700} size="xl" aria-label={`Grade ${result.grade}`}>
                  {result.grade}
                </Text>
              }
            />
            <div>
              <Title order={2} style={{ wordBreak: 'break-all' }}>
                {result.domain}
              </Title>
              {missing && (
                <Text fw={700} c="red" mt={4} role="status" data-testid="audit-headline">
                  {missing.title} (NXDOMAIN): nothing to grade.
                </Text>
              )}
              <Group gap="xs" mt={4}>
                {!missing && (
                  <Text fw={600} data-testid="score">
                    Score {result.score}/100
                  </Text>
                )}
                <Badge color={color} variant="light">
                  Grade {result.grade}
                </Badge>
                {critical > 0 && <Badge color="red">{critical} critical</Badge>}
                {warning > 0 && <Badge color="orange">{warning} {warning === 1 ? 'warning' : 'warnings'}</Badge>}
              </Group>
            </div>
          </Group>
          <Group gap="xl" wrap="wrap">
            <HeaderStat label="Audited">{formatDate(result.startedAt)}</HeaderStat>
            <HeaderStat label="Duration">{formatDuration(result.durationMs)}</HeaderStat>
            <HeaderStat label="Resolver">{result.resolver}</HeaderStat>
          </Group>
          <Group gap="sm" align="flex-start" className="no-print">
            {/* The print styles (app.css) leave the result alone on the page: no sidebar, forms or buttons. */}
            <Button variant="default" size="sm" onClick={() => window.print()}>
              Print
            </Button>
            {actions}
          </Group>
        </Group>
      </Paper>
      <FixFirst result={result} />
      <CheckSummary result={result} />
      {result.diff && <ChangesSection diff={result.diff} />}
      {CHECK_ORDER.filter((id) => result.checks[id] !== undefined).map((id) => (
        <CheckSection key={id} id={id} result={result} />
      ))}
      {orphans.length > 0 && (
        <Paper withBorder p="md" component="section" aria-label="Other findings" id={OTHER_FINDINGS_ID} tabIndex={-1}>
          <Title order={3} mb="sm">
            Other findings
          </Title>
          <FindingList findings={orphans} domain={result.domain} />
        </Paper>
      )}
      <DnsTranscript queries={result.dns ?? []} />
    </Stack>
  );
}
