import { Alert, Anchor, Badge, Group, Loader, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate, gradeColor } from '../format';
import { navigate, routeHref } from '../router';

const PAGE_SIZE = 50;

export function HistoryPage() {
  const client = useClient();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['history', 'list', page],
    queryFn: () => client.history.list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          History
        </Title>
        {list.data && (
          <Text size="sm" c="dimmed">
            {list.data.total} {list.data.total === 1 ? 'audit' : 'audits'}
          </Text>
        )}
      </Group>
      {list.isPending && <Loader size="sm" aria-label="Loading history" />}
      {list.isError && (
        <Alert color="red" title="History could not be read">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.data && list.data.items.length === 0 && (
        <Text c="dimmed">
          No audits yet. <Anchor href={routeHref({ page: 'audit' })}>Audit a domain</Anchor> and it will be listed here.
        </Text>
      )}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Past audits" highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Domain</Table.Th>
                <Table.Th>Audited</Table.Th>
                <Table.Th ta="right">Score</Table.Th>
                <Table.Th>Grade</Table.Th>
                <Table.Th ta="right">Critical</Table.Th>
                <Table.Th ta="right">Warnings</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((item) => (
                <Table.Tr
                  key={item.id}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate({ page: 'history-item', id: item.id })}
                >
                  <Table.Td>
                    <Anchor href={routeHref({ page: 'history-item', id: item.id })} fw={500}>
                      {item.domain}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatDate(item.startedAt)}</Table.Td>
                  <Table.Td ta="right">{item.score}</Table.Td>
                  <Table.Td>
                    <Badge color={gradeColor(item.grade)} variant="light">
                      {item.grade}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text span inherit c={item.critical > 0 ? 'red' : undefined} fw={item.critical > 0 ? 700 : undefined}>
                      {item.critical}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{item.warning}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.data && list.data.total > PAGE_SIZE && (
        <Pagination
          total={Math.ceil(list.data.total / PAGE_SIZE)}
          value={page}
          onChange={setPage}
          aria-label="History pages"
        />
      )}
    </Stack>
  );
}
