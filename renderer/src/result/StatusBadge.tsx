import { Badge } from '@mantine/core';
import type { CheckStatus } from '../../../electron/api/types';
import { STATUS_COLOR, STATUS_LABEL } from '../format';

export function StatusBadge({ status }: { status: CheckStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" size="lg" data-status={status}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}
