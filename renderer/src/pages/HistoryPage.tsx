import { Anchor, Badge, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { HistoryList } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { formatDate, gradeColor } from '../format';
import { CriticalCount, PastItems, type PastColumn } from '../PastItems';
import { routeHref } from '../router';
import { CompareAudits, ScoreTrend } from '../watch/HistoryTools';

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

interface Filter {
  domain: string;
  client: string;
}

export function HistoryPage() {
  const client = useClient();
  const [domain, setDomain] = useState('');
  const [owner, setOwner] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>({ domain: '', client: '' });
  const clients = useQuery({ queryKey: ['clients', 'list'], queryFn: () => client.clients.list({}) });
  const query = { ...(filter.domain ? { domain: filter.domain } : {}), ...(filter.client ? { client: filter.client } : {}) };
  // The audits the trend and the comparison pick from: the latest 100 of the filter.
  const recent = useQuery({ queryKey: ['history', 'list', 'tools', filter], queryFn: () => client.history.list({ ...query, limit: 100, offset: 0 }) });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ domain: domain.trim().toLowerCase().replace(/\.$/, ''), client: owner ?? '' });
  };
  const filtered = filter.domain !== '' || filter.client !== '';
  return (
    <Stack gap="md">
      <PastItems
        title="History"
        level={1}
        noun={['audit', 'audits']}
        label="Past audits"
        queryKey={['history', 'list', filter]}
        load={(page) => client.history.list({ ...query, ...page })}
        pageSize={50}
        pager="History pages"
        columns={COLUMNS}
        open={{ route: (item) => ({ page: 'history-item', id: item.id }) }}
        minWidth={560}
        loading="Loading history"
        failed="History could not be read"
        empty={
          filtered ? (
            <>No stored audit matches this filter.</>
          ) : (
            <>
              No audits yet. <Anchor href={routeHref({ page: 'audit' })}>Audit a domain</Anchor> and it will be listed here.
            </>
          )
        }
        before={
          <form onSubmit={apply} aria-label="Filter history" role="search">
            <Group align="flex-end" gap="sm">
              <TextInput label="Domain" placeholder="example.com" value={domain} onChange={(e) => setDomain(e.currentTarget.value)} spellCheck={false} autoCapitalize="off" autoComplete="off" />
              <Select
                label="Client"
                placeholder="Every client"
                clearable
                data={(clients.data?.clients ?? []).map((c) => c.name)}
                value={owner}
                onChange={setOwner}
              />
              <Button type="submit" variant="light">
                Show
              </Button>
              {filtered && (
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() => {
                    setDomain('');
                    setOwner(null);
                    setFilter({ domain: '', client: '' });
                  }}
                >
                  Show every audit
                </Button>
              )}
            </Group>
          </form>
        }
      />
      {filter.domain && <ScoreTrend domain={filter.domain} audits={recent.data?.items ?? []} />}
      <CompareAudits audits={recent.data?.items ?? []} />
    </Stack>
  );
}
