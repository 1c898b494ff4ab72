import { Accordion, Code, Table, Text } from '@mantine/core';
import type { DnsQueryRecord } from '../../../electron/api/types';

// A name or type that does not exist is an answer, not a failure: the walk expects many of them.
const NEGATIVE_ANSWERS: Record<string, string> = {
  ENOTFOUND: 'no such name (NXDOMAIN)',
  ENODATA: 'no records of this type',
};

/** Every DNS query the audit made, folded away until asked for. */
export function DnsTranscript({ queries }: { queries: DnsQueryRecord[] }) {
  return (
    <Accordion variant="contained">
      <Accordion.Item value="dns">
        <Accordion.Control>DNS queries ({queries.length})</Accordion.Control>
        <Accordion.Panel>
          {queries.length === 0 ? (
            <Text size="sm" c="dimmed">
              No queries recorded.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table aria-label="DNS queries" striped verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Answer</Table.Th>
                    <Table.Th ta="right">ms</Table.Th>
                    <Table.Th>Cached</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {queries.map((query, index) => (
                    <Table.Tr key={index}>
                      <Table.Td>
                        <Code>{query.name}</Code>
                      </Table.Td>
                      <Table.Td>{query.type}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>
                        {query.error ? (
                          <Text size="sm" c={NEGATIVE_ANSWERS[query.error] ? 'dimmed' : 'red'}>
                            {NEGATIVE_ANSWERS[query.error] ?? query.error}
                          </Text>
                        ) : (
                          (query.answer ?? []).map((line, i) => (
                            <Text size="sm" ff="monospace" key={i}>
                              {line}
                            </Text>
                          ))
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{Math.round(query.ms)}</Table.Td>
                      <Table.Td>{query.cached ? 'yes' : ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
