import { Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import type { SpfTerm } from '../../../electron/api/types';
import { QUALIFIER_RESULT, SpfTree } from './SpfTree';
import type { CheckPanelProps } from './types';

// RFC 7208 §4.6.4: at most 10 terms that cause DNS queries, and at most 2 of them void.
const LOOKUP_LIMIT = 10;
const VOID_LIMIT = 2;

const ALL_MEANING: Record<NonNullable<SpfTerm['qualifier']>, string> = {
  '-': 'Mail from any other server fails SPF (-all).',
  '~': 'Mail from any other server soft-fails SPF (~all): accepted, but marked.',
  '?': 'Mail from any other server is neutral (?all): SPF says nothing about it.',
  '+': 'Mail from any server passes SPF (+all): anyone may send as this domain.',
};

function TermRow({ term }: { term: SpfTerm }) {
  const notes: string[] = [];
  if (term.macro) notes.push('uses a macro');
  if (term.error) notes.push(term.error);
  return (
    <Table.Tr data-lookup={term.lookup || undefined}>
      <Table.Td>
        <Code>{term.text}</Code>
      </Table.Td>
      <Table.Td>{term.kind}</Table.Td>
      <Table.Td>{term.kind === 'mechanism' ? QUALIFIER_RESULT[term.qualifier ?? '+'] : ''}</Table.Td>
      <Table.Td>
        {term.lookup && (
          <Badge variant="outline" color="grape" size="sm">
            DNS lookup
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={term.error ? 'red' : 'dimmed'}>
          {notes.join('; ')}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function SpfPanel({ data }: CheckPanelProps<'spf'>) {
  if (data.records.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {data.error ? (
          <>
            The TXT lookup failed: <Code>{data.error}</Code>
          </>
        ) : (
          'No SPF record found.'
        )}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      {data.records.length > 1 && (
        <div>
          <Text size="sm" fw={600}>
            {data.records.length} SPF records found
          </Text>
          {data.records.map((record, index) => (
            <Code block key={index} mb={4}>
              {record}
            </Code>
          ))}
        </div>
      )}
      {data.record && (
        <div>
          <Text size="sm" fw={600}>
            Record
          </Text>
          <Code block>{data.record}</Code>
        </div>
      )}
      {data.terms.length > 0 && (
        <Table aria-label="SPF terms" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Term</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>DNS</Table.Th>
              <Table.Th>Notes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.terms.map((term, index) => (
              <TermRow key={index} term={term} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data.tree && (
        <div>
          <Text size="sm" fw={600}>
            SPF tree
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Every include and redirect followed; each term&apos;s cost counts itself and everything below it.
          </Text>
          <SpfTree tree={data.tree} />
        </div>
      )}
      <Group gap="lg">
        <Text size="sm" fw={600} c={data.lookups > LOOKUP_LIMIT ? 'red' : undefined} data-testid="spf-lookups">
          {data.lookups} of {LOOKUP_LIMIT} DNS lookups
        </Text>
        {data.voidLookups !== undefined && (
          <Text size="sm" fw={600} c={data.voidLookups > VOID_LIMIT ? 'red' : undefined} data-testid="spf-void-lookups">
            {data.voidLookups} of {VOID_LIMIT} void lookups
          </Text>
        )}
        <Text size="sm">{data.all ? ALL_MEANING[data.all] : 'No "all" mechanism: other servers get a neutral result.'}</Text>
      </Group>
    </Stack>
  );
}
