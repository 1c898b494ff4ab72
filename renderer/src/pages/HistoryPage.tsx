import { Anchor, Badge, Button, Group, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { HistoryList } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { formatDate, gradeColor } from '../format';
import { CriticalCount, PastItems, type PastColumn } from '../PastItems';
import { routeHref } from '../router';
import { PAST_RUN_COLUMNS } from '../sending/PlacementPage';
import { SEND_COLUMNS } from '../sending/ComposePage';
import { CompareAudits, ScoreTrend } from '../watch/HistoryTools';
import { MESSAGE_COLUMNS } from './MessagesPage';

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
  {
    header: 'Critical',
    numeric: true,
    cell: (item) => <CriticalCount n={item.critical} />,
  },
  { header: 'Warnings', numeric: true, cell: (item) => item.warning },
];

interface Filter {
  domain: string;
  client: string;
  /** Text in the audited domain's name (audits only). */
  search: string;
}

type Kind = 'audits' | 'messages' | 'sends' | 'placements';

const KINDS: { value: Kind; label: string }[] = [
  { value: 'audits', label: 'Audits' },
  { value: 'messages', label: 'Message analyses' },
  { value: 'sends', label: 'Test sends' },
  { value: 'placements', label: 'Placement runs' },
];

export function HistoryPage() {
  const client = useClient();
  const [domain, setDomain] = useState('');
  const [owner, setOwner] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>({ domain: '', client: '', search: '' });
  const [kind, setKind] = useState<Kind>('audits');
  const [search, setSearch] = useState('');
  const clients = useQuery({
    queryKey: ['clients', 'list'],
    queryFn: () => client.clients.list({}),
  });
  const query = {
    ...(filter.domain ? { domain: filter.domain } : {}),
    ...(filter.client ? { client: filter.client } : {}),
  };
  const auditQuery = { ...query, ...(filter.search ? { search: filter.search } : {}) };
  // The audits the trend and the comparison pick from: the latest 100 of the filter.
  const recent = useQuery({
    queryKey: ['history', 'list', 'tools', filter],
    queryFn: () => client.history.list({ ...auditQuery, limit: 100, offset: 0 }),
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({
      domain: domain.trim().toLowerCase().replace(/\.$/, ''),
      client: owner ?? '',
      search: search.trim(),
    });
  };
  const filtered = filter.domain !== '' || filter.client !== '' || filter.search !== '';
  const none = filtered ? 'Nothing of this kind matches the filter.' : null;
  const common = {
    level: 2 as const,
    pageSize: 50,
    loading: 'Loading history',
    failed: 'History could not be read',
  };
  const filterForm = (
    <form onSubmit={apply} aria-label="Filter history" role="search">
      <Group align="flex-end" gap="sm">
        <TextInput label="Domain" placeholder="example.com" value={domain} onChange={(e) => setDomain(e.currentTarget.value)} spellCheck={false} autoCapitalize="off" autoComplete="off" />
        {kind === 'audits' && (
          <TextInput label="Search" description="Text in the domain's name" placeholder="acme" value={search} onChange={(e) => setSearch(e.currentTarget.value)} spellCheck={false} autoCapitalize="off" autoComplete="off" />
        )}
        <Select label="Client" placeholder="Every client" clearable data={(clients.data?.clients ?? []).map((c) => c.name)} value={owner} onChange={setOwner} />
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
              setFilter({ domain: '', client: '', search: '' });
              setSearch('');
            }}
          >
            Clear the filter
          </Button>
        )}
      </Group>
    </form>
  );
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        History
      </Title>
      <div>
        <Text size="sm" fw={500} mb={4} id="history-kind">
          Kind
        </Text>
        <SegmentedControl aria-labelledby="history-kind" value={kind} onChange={(v) => setKind(v as Kind)} data={KINDS} />
      </div>
      {filterForm}
      {kind === 'messages' && (
        <PastItems
          {...common}
          title="Message analyses"
          noun={['message', 'messages']}
          label="Past message analyses"
          queryKey={['messages', 'list', filter]}
          load={(page) => client.message.list({ ...query, ...page })}
          pager="Message pages"
          columns={MESSAGE_COLUMNS}
          open={{ route: (item) => ({ page: 'message-item', id: item.id }) }}
          minWidth={720}
          empty={none ?? 'No message analysed yet.'}
        />
      )}
      {kind === 'sends' && (
        <PastItems
          {...common}
          title="Test sends"
          noun={['send', 'sends']}
          label="Past test sends"
          queryKey={['send', 'list', filter]}
          load={(page) => client.send.list({ ...query, ...page })}
          pager="Test send pages"
          columns={SEND_COLUMNS}
          open={{ route: () => ({ page: 'send' }) }}
          minWidth={640}
          empty={none ?? 'No test sends yet.'}
        />
      )}
      {kind === 'placements' && (
        <PastItems
          {...common}
          title="Placement runs"
          noun={['run', 'runs']}
          label="Past placement runs"
          queryKey={['placement', 'list', filter]}
          load={(page) => client.placement.list({ ...query, ...page })}
          pager="Placement run pages"
          columns={PAST_RUN_COLUMNS}
          open={{ route: (row) => ({ page: 'placement-item', id: row.id }) }}
          minWidth={760}
          empty={none ?? 'No placement runs yet.'}
        />
      )}
      {kind === 'audits' && (
        <>
          <PastItems
            title="Audits"
            level={2}
            noun={['audit', 'audits']}
            label="Past audits"
            queryKey={['history', 'list', filter]}
            load={(page) => client.history.list({ ...auditQuery, ...page })}
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
          />
          {filter.domain && <ScoreTrend domain={filter.domain} audits={recent.data?.items ?? []} />}
          <CompareAudits audits={recent.data?.items ?? []} />
        </>
      )}
    </Stack>
  );
}
