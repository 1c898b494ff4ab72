/**
 * A list of what was done before (audits, message analyses, test sends, placement runs), the same on
 * every page: a heading, then the table, or why there is none (loading, nothing yet, an error), then
 * the pages when there are more than one.
 *
 * The columns are data; the first column's content is what opens an item, so a keyboard reaches it
 * as a link (or a button) while a mouse may click anywhere on the row.
 */
import { Alert, Anchor, Group, Loader, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery, type QueryKey } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorMessage } from './format';
import { navigate, routeHref, type Route } from './router';

export interface PastColumn<T> {
  header: string;
  cell: (item: T) => ReactNode;
  /** Counts and durations, lined up on the right. */
  numeric?: boolean;
  /** Free text (a subject, an address) that breaks anywhere rather than widening the table. */
  wrap?: boolean;
}

export interface PastItemsProps<T extends { id: number }> {
  /** The heading: the page's own (level 1) or its section's (level 2). */
  title: string;
  level: 1 | 2;
  /** The section's accessible name, when the list is one part of a page. */
  region?: string;
  /** Counted beside the heading ("12 audits"), when given: the words for one and for several. */
  noun?: readonly [one: string, many: string];
  /** The table's accessible name. */
  label: string;
  /** The query's key; with a pager, the page number is added to it. */
  queryKey: QueryKey;
  load: (page: { limit: number; offset: number }) => Promise<{ items: readonly T[]; total: number }>;
  pageSize: number;
  /** The pager's accessible name; without one, only the first page is listed. */
  pager?: string;
  columns: readonly PastColumn<T>[];
  /** What the first column opens: the item's own page (and the whole row goes there), or something on this page. */
  open: { route: (item: T) => Route } | { action: (item: T) => void };
  /** Wider than this, the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** The loader's accessible name, the error's title, and what is said when there is nothing yet. */
  loading: string;
  failed: string;
  empty: ReactNode;
  /** Shown between the heading and the list: a filter. */
  before?: ReactNode;
}

export function PastItems<T extends { id: number }>(props: PastItemsProps<T>) {
  const { title, level, region, noun, label, queryKey, load, pageSize, pager, columns, open, minWidth } = props;
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: pager ? [...queryKey, page] : queryKey,
    queryFn: () => load({ limit: pageSize, offset: (page - 1) * pageSize }),
    placeholderData: keepPreviousData,
  });
  const total = list.data?.total ?? 0;

  const opener = (item: T, content: ReactNode): ReactNode => {
    if ('action' in open) {
      return (
        <Anchor component="button" type="button" size="sm" fw={500} onClick={() => open.action(item)}>
          {content}
        </Anchor>
      );
    }
    // The row's click goes to the same place: the link's own click must not navigate twice.
    return (
      <Anchor href={routeHref(open.route(item))} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
        {content}
      </Anchor>
    );
  };

  return (
    <Stack gap={level === 1 ? 'md' : 'xs'} component={region ? 'section' : 'div'} aria-label={region}>
      <Group justify="space-between" align="baseline">
        <Title order={level} size={level === 1 ? 'h2' : 'h4'}>
          {title}
        </Title>
        {noun && list.data && (
          <Text size="sm" c="dimmed">
            {total} {total === 1 ? noun[0] : noun[1]}
          </Text>
        )}
      </Group>
      {props.before}
      {list.isPending && <Loader size="sm" aria-label={props.loading} />}
      {list.isError && (
        <Alert color="red" title={props.failed} role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.data && list.data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          {props.empty}
        </Text>
      )}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table aria-label={label} highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column.header} ta={column.numeric ? 'right' : undefined}>
                    {column.header}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((item) => (
                <Table.Tr
                  key={item.id}
                  style={'route' in open ? { cursor: 'pointer' } : undefined}
                  onClick={'route' in open ? () => navigate(open.route(item)) : undefined}
                >
                  {columns.map((column, i) => (
                    <Table.Td key={column.header} ta={column.numeric ? 'right' : undefined} style={column.wrap ? { overflowWrap: 'anywhere' } : undefined}>
                      {i === 0 ? opener(item, column.cell(item)) : column.cell(item)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pager && total > pageSize && <Pagination total={Math.ceil(total / pageSize)} value={page} onChange={setPage} aria-label={pager} />}
    </Stack>
  );
}

/** A count of critical findings: red and bold when there is any, so it reads at a glance. */
export function CriticalCount({ n }: { n: number }) {
  return (
    <Text span inherit c={n > 0 ? 'red' : undefined} fw={n > 0 ? 700 : undefined}>
      {n}
    </Text>
  );
}
