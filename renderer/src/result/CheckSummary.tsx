import { Badge, Group, Paper, SimpleGrid, Text, UnstyledButton } from '@mantine/core';
import type { AuditResult } from '../../../electron/api/types';
import { CHECK_ORDER, CHECKS } from '../checks/registry';
import { STATUS_COLOR, STATUS_LABEL } from '../format';
import { checkSectionId, jumpToSection } from './CheckSection';

/**
 * Every check the result carries at a glance, in panel order: one cell per check with its name and
 * status word (never colour alone); a click moves to the check's panel.
 */
export function CheckSummary({ result }: { result: AuditResult }) {
  const present = CHECK_ORDER.flatMap((id) => {
    const check = result.checks[id];
    return check ? [{ id, status: check.status }] : [];
  });
  return (
    <Paper withBorder p="md" component="nav" aria-label="Checks" data-testid="check-summary">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs" aria-hidden>
        Checks
      </Text>
      <SimpleGrid cols={{ base: 2, xs: 3, md: 4, lg: 6 }} spacing={6} verticalSpacing={6}>
        {present.map(({ id, status }) => {
          const title = CHECKS[id].title;
          return (
            <UnstyledButton
              key={id}
              aria-label={`${title}: ${STATUS_LABEL[status]}`}
              data-status={status}
              data-testid="check-cell"
              onClick={() => jumpToSection(checkSectionId(id))}
              style={{
                border: '1px solid var(--mantine-color-default-border)',
                borderLeft: `4px solid var(--mantine-color-${STATUS_COLOR[status]}-filled)`,
                borderRadius: 'var(--mantine-radius-sm)',
                padding: '6px 8px',
              }}
            >
              <Group justify="space-between" gap={6} wrap="nowrap">
                <Text size="sm" fw={600} truncate>
                  {title}
                </Text>
                <Badge
                  color={STATUS_COLOR[status]}
                  // Only what needs action is filled, so the eye goes to it first.
                  variant={status === 'fail' || status === 'warn' ? 'filled' : 'light'}
                  radius="sm"
                  style={{ textTransform: 'none', flexShrink: 0 }}
                >
                  {/* The leading space keeps the visible text ("SPF Fail") inside the accessible name
                  ("SPF: Fail"), as WCAG 2 §2.5.3 asks. */}
                  {` ${STATUS_LABEL[status]}`}
                </Badge>
              </Group>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
    </Paper>
  );
}
