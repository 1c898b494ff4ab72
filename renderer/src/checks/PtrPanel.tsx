import { Code, Stack, Table, Text } from '@mantine/core';
import { YesNo } from './parts';
import type { CheckPanelProps } from './types';

export function PtrPanel({ data }: CheckPanelProps<'ptr'>) {
  const invalid =
    data.invalid && data.invalid.length > 0 ? (
      <Text size="sm" c="orange">
        Not IP addresses, so not checked: {data.invalid.join(', ')}
      </Text>
    ) : null;
  if (data.addresses.length === 0) {
    return (
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          No addresses to check: the MX hosts have none, and no sending IPs were given.
        </Text>
        {invalid}
      </Stack>
    );
  }
  return (
    <Stack gap="xs">
      {invalid}
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="Reverse DNS" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Address</Table.Th>
              <Table.Th>Whose</Table.Th>
              <Table.Th>PTR names</Table.Th>
              <Table.Th>Forward-confirmed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.addresses.map((address) => (
              <Table.Tr key={`${address.source}-${address.ip}`}>
                <Table.Td>
                  <Code>{address.ip}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {address.source === 'mx' ? `MX ${address.host ?? ''}` : 'Sending IP'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {address.error ? (
                    <Text size="sm" c="orange">
                      Lookup failed: {address.error}
                    </Text>
                  ) : address.ptr.length === 0 ? (
                    <Text size="sm" c="red">
                      No PTR record
                    </Text>
                  ) : (
                    <Stack gap={2} align="flex-start">
                      {address.ptr.map((name) => (
                        <span key={name}>
                          <Code>{name}</Code>
                          {address.forward?.[name] && (
                            <Text span size="xs" c="dimmed" ml={6}>
                              → {address.forward[name].length > 0 ? address.forward[name].join(', ') : 'no address'}
                            </Text>
                          )}
                        </span>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>
                  {address.error ? <YesNo value={null} /> : <YesNo value={address.forwardConfirmed} />}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
