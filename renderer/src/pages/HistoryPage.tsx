import { Anchor, Badge } from '@mantine/core';
import type { HistoryList } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { formatDate, gradeColor } from '../format';
import { CriticalCount, PastItems, type PastColumn } from '../PastItems';
import { routeHref } from '../router';

type Audit = HistoryList['items'][number];

const COLUMNS: readonly PastColumn<Audit>[] = [
  { header: 'Domain', cell: (item) => item.domain },
  { header: 'Audited', cell: (item) => formatDate(item.startedAt) },
  { header: 'Score', numeric: true, cell: (item) => item.score },
  {
    header: 'Grade',
    cell: (item) => (
      <Badge color={gradeColor(item.grade)} variant="light">
        {item.grade}
      </Badge>
    ),
  },
  { header: 'Critical', numeric: true, cell: (item) => <CriticalCount n={item.critical} /> },
  { header: 'Warnings', numeric: true, cell: (item) => item.warning },
];

export function HistoryPage() {
  const client = useClient();
  return (
    <PastItems
      title="History"
      level={1}
      noun={['audit', 'audits']}
      label="Past audits"
      queryKey={['history', 'list']}
      load={(page) => client.history.list(page)}
      pageSize={50}
      pager="History pages"
      columns={COLUMNS}
      open={{ route: (item) => ({ page: 'history-item', id: item.id }) }}
      minWidth={560}
      loading="Loading history"
      failed="History could not be read"
      empty={
        <>
          No audits yet. <Anchor href={routeHref({ page: 'audit' })}>Audit a domain</Anchor> and it will be listed here.
        </>
      }
    />
  );
}
