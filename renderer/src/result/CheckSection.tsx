import { Alert, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import type { AuditResult } from '../../../electron/api/types';
import { errorReason, skippedReason } from '../app-words';
import { hasDetails } from '../checks/check-details';
import { CHECKS, type CheckId } from '../checks/registry';
import { FindingList } from './FindingList';
import { StatusBadge } from './StatusBadge';

/** The DOM id of a check's section, for the summary strip to scroll to. */
export function checkSectionId(id: CheckId): string {
  return `check-section-${id}`;
}

/** The DOM id of the section that lists findings of checks this version has no panel for. */
export const OTHER_FINDINGS_ID = 'check-section-other';

/** Scrolls a section into view and moves focus with it, so keyboard users land where they asked to go. */
export function jumpToSection(elementId: string): void {
  const section = document.getElementById(elementId);
  section?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  section?.focus({ preventScroll: true });
}

/**
 * One check's panel: heading and status, the check's own details, then its findings.
 *
 * A skipped check shows why instead of its (empty) details. A check that ended in error shows the
 * error, and under it what it found when it ran partly (an SPF tree with one failed include): an
 * empty table would read as "nothing found", and a hidden tree would hide where it broke.
 */
export function CheckSection<K extends CheckId>({ id, result }: { id: K; result: AuditResult }) {
  const headingId = useId();
  const definition = CHECKS[id];
  const data = result.checks[id];
  if (!data) return null;
  const findings = result.findings.filter((finding) => finding.check === id);
  const { Panel } = definition;
  const skipped = skippedReason(id, result);
  const partial = data.status === 'error' && hasDetails(id, data);
  return (
    <Paper
      component="section"
      withBorder
      p="md"
      aria-labelledby={headingId}
      data-testid={`check-${id}`}
      id={checkSectionId(id)}
      tabIndex={-1}
      // The app shell's header is fixed: keep the heading below it when scrolled to.
      style={{ scrollMarginTop: 'calc(var(--app-shell-header-height, 52px) + 12px)' }}
    >
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
        {data.status === 'skipped' ? (
          <Text size="sm" c="dimmed" data-testid="check-skipped">
            Not checked{skipped ? `: ${skipped}` : '.'}
          </Text>
        ) : data.status === 'error' ? (
          <>
            <Alert color="red" variant="light" title={partial ? 'Some lookups failed: this result is incomplete' : 'This check could not run'} data-testid="check-error">
              {errorReason(id, result) ?? 'No reason was recorded.'}
            </Alert>
            {partial && <Panel data={data} findings={findings} result={result} />}
          </>
        ) : (
          <Panel data={data} findings={findings} result={result} />
        )}
        {data.status === 'pass' && findings.length === 0 ? (
          // Clean: one line, not a "Findings" heading over "No findings".
          <Text size="sm" data-testid="check-clean">
            Passed, nothing to fix.
          </Text>
        ) : (
          (data.status !== 'skipped' || findings.length > 0) && (
          <>
            <Title order={4} size="h5">
              Findings
            </Title>
            <FindingList findings={findings} domain={result.domain} />
          </>
          )
        )}
      </Stack>
    </Paper>
  );
}
