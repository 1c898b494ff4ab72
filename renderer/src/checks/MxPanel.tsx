import { Alert, Code, Table, Text } from '@mantine/core';
import type { CheckPanelProps } from './types';

export function MxPanel({ data }: CheckPanelProps<'mx'>) {
  if (data.nullMx) {
    return (
      <Alert color="blue" variant="light" title="Null MX">
        The domain publishes a null MX (RFC 7505): it declares that it accepts no mail.
      </Alert>
    );
  }
  if (data.hosts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {data.error ? (
          <>
            The MX lookup failed: <Code>{data.error}</Code>
          </>
        ) : (
          'No MX records found.'
        )}
      </Text>
    );
  }
  const hosts = [...data.hosts].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  return (
    <Table aria-label="MX hosts" withTableBorder verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={90}>Priority</Table.Th>
          <Table.Th>Mail server</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {hosts.map((host) => (
          <Table.Tr key={`${host.priority}-${host.exchange}`}>
            <Table.Td>{host.priority}</Table.Td>
            <Table.Td>
              <Code>{host.exchange}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
