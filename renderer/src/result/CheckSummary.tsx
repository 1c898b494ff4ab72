import { Badge, Group, Text, UnstyledButton } from '@mantine/core';
import type { AuditResult } from '../../../electron/api/types';
import { CHECK_ORDER, CHECKS } from '../checks/registry';
import { STATUS_COLOR, STATUS_LABEL } from '../format';
import { checkSectionId } from './CheckSection';

/** One badge per check the result carries, in panel order; a click scrolls to the check's panel. */
export function CheckSummary({ result }: { result: AuditResult }) {
  const present = CHECK_ORDER.flatMap((id) => {
    const check = result.checks[id];
    return check ? [{ id, status: check.status }] : [];
  });
  return (
    <Group component="nav" aria-label="Checks" gap={6} wrap="wrap" mt="md" data-testid="check-summary">
      {present.map(({ id, status }) => {
        const title = CHECKS[id].title;
        return (
          <UnstyledButton
            key={id}
            aria-label={`${title}: ${STATUS_LABEL[status]}`}
            data-status={status}
            onClick={() => {
              const section = document.getElementById(checkSectionId(id));
              section?.scrollIntoView({ behavior: 'smooth', block: 'start' });
              // Move focus with the view, so keyboard users land where they asked to go.
              section?.focus({ preventScroll: true });
            }}
          >
            <Badge
              color={STATUS_COLOR[status]}
              // Only what needs action is filled, so the eye goes to it first.
              variant={status === 'fail' || status === 'warn' ? 'filled' : 'light'}
              size="lg"
              radius="sm"
              style={{ cursor: 'pointer', textTransform: 'none' }}
              rightSection={
                // The leading space keeps the visible text ("SPF Fail") inside the accessible name
                // ("SPF: Fail"), as WCAG 2 §2.5.3 asks; opacity is not used, it would fade the contrast.
                <Text span size="xs" fw={500}>
                  {` ${STATUS_LABEL[status]}`}
                </Text>
              }
            >
              {title}
            </Badge>
          </UnstyledButton>
        );
      })}
    </Group>
  );
}
