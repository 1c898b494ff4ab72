import { Badge } from '@mantine/core';
import type { Severity } from '../../../electron/api/types';
import { SEVERITY_COLOR, SEVERITY_LABEL } from '../format';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant="filled" data-severity={severity}>
      {SEVERITY_LABEL[severity]}
    </Badge>
  );
}
