import { Alert, Button, Code, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { AuditResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { CHECKS, isCheckId } from '../checks/registry';
import { errorMessage, SEVERITY_COLOR } from '../format';
import { checkSectionId, jumpToSection, OTHER_FINDINGS_ID } from './CheckSection';
import { FIX_FIRST_SHOWN, fixFirstRows, type FixFirstRow } from './fix-first';
import { SeverityBadge } from './SeverityBadge';

function FixFirstItem({ row, collapsed }: { row: FixFirstRow; collapsed: boolean }) {
  const check = row.check;
  const where = isCheckId(check) ? `the ${CHECKS[check].title} check` : 'Other findings';
  const target = isCheckId(check) ? checkSectionId(check) : OTHER_FINDINGS_ID;
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      data-testid="fix-first-item"
      data-check={row.check}
      // Beyond the first items while the list is short: out of sight on screen, printed all the same.
      className={collapsed ? 'print-collapsed' : undefined}
      style={{ borderLeft: `4px solid var(--mantine-color-${SEVERITY_COLOR[row.severity]}-filled)` }}
    >
      <Stack gap={6}>
        <Group gap="sm" wrap="wrap">
          <SeverityBadge severity={row.severity} />
          <Text fw={600}>{row.title}</Text>
        </Group>
        <Text size="sm" c="dimmed" data-testid="fix-first-impact">
          {row.impactLabel};{' '}
          {row.codes.map((code, i) => (
            <span key={code}>
              {i > 0 && ', '}
              <Code>{code}</Code>
            </span>
          ))}
        </Text>
        {row.fix ? (
          // pre-line: some fixes are a file to publish, line by line (an MTA-STS policy).
          <Text size="sm" style={{ whiteSpace: 'pre-line' }} data-testid="fix-first-fix">
            <Text span fw={600}>
              How to fix:{' '}
            </Text>
            {row.fix}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            No single record fixes this; see the check below.
          </Text>
        )}
        <Group>
          <Button variant="subtle" size="compact-sm" onClick={() => jumpToSection(target)}>
            Go to {where}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/**
 * "Fix these first": the audit's findings ranked by what they break and grouped by fix, by the same
 * ranking the reports open with (the api's audit.priorities), each with its fix and a jump to its check.
 */
export function FixFirst({ result }: { result: AuditResult }) {
  const client = useClient();
  const headingId = useId();
  const listId = useId();
  const [all, setAll] = useState(false);
  const ranked = useQuery({
    queryKey: ['audit', 'priorities', result.domain, result.startedAt, result.findings.map((f) => `${f.check}:${f.code}`).join(',')],
    // The findings, not the id: an audit that could not be stored, or was deleted since, ranks the same.
    queryFn: () => client.audit.priorities({ findings: result.findings }),
    retry: false,
    staleTime: Infinity,
  });
  const rows = ranked.data ? fixFirstRows(ranked.data.items, result.domain) : [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid="fix-first">
      <Stack gap="sm">
        <Title order={3} id={headingId}>
          Fix these first
        </Title>
        {ranked.isPending && <Loader size="sm" aria-label="Ranking the findings" />}
        {ranked.isError && (
          <Alert color="red" variant="light" title="The findings could not be ranked">
            {errorMessage(ranked.error)} Every finding is still listed under its check below.
          </Alert>
        )}
        {ranked.data && rows.length === 0 && <Text size="sm">Nothing to fix: no finding.</Text>}
        {rows.length > 0 && (
          <Stack component="ol" id={listId} gap="xs" p={0} m={0} style={{ listStyle: 'none' }} aria-labelledby={headingId}>
            {rows.map((row, i) => (
              <FixFirstItem key={row.key} row={row} collapsed={!all && i >= FIX_FIRST_SHOWN} />
            ))}
          </Stack>
        )}
        {rows.length > FIX_FIRST_SHOWN && (
          <Group>
            <Button variant="light" size="compact-sm" aria-expanded={all} aria-controls={listId} onClick={() => setAll(!all)}>
              {all ? `Show the first ${FIX_FIRST_SHOWN}` : `Show all ${rows.length}`}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
