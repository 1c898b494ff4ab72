import { Alert, Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import type { MxHost } from '../../../electron/api/types';
import type { CheckPanelProps } from './types';

function Addresses({ host }: { host: MxHost }) {
  if (!host.addresses) return null;
  if (host.addresses.length === 0) {
    return (
      <Text size="sm" c="red">
        No A or AAAA record: mail cannot be delivered here
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {host.addresses.map((address) => (
        <Group key={address} gap={6}>
          <Code>{address}</Code>
          {address.includes(':') && (
            <Badge size="xs" variant="light" color="blue">
              IPv6
            </Badge>
          )}
        </Group>
      ))}
    </Stack>
  );
}

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
  // Results stored before addresses were resolved have none: leave the column out rather than say "none".
  const withAddresses = hosts.some((host) => host.addresses !== undefined);
  return (
    <Stack gap="sm">
      <Table aria-label="MX hosts" withTableBorder verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>Priority</Table.Th>
            <Table.Th>Mail server</Table.Th>
            {withAddresses && <Table.Th>Addresses</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hosts.map((host) => (
            <Table.Tr key={`${host.priority}-${host.exchange}`}>
              <Table.Td>{host.priority}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="wrap">
                  <Code>{host.exchange}</Code>
                  {host.cname && (
                    <Badge
                      color="orange"
                      variant="light"
                      size="sm"
                      tt="none"
                      data-testid="mx-cname"
                      title="RFC 2181 §10.3: an MX must name a host, not an alias"
                    >
                      CNAME → {host.cname}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              {withAddresses && (
                <Table.Td>
                  <Addresses host={host} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {data.ipv6 !== undefined && (
        <Text size="sm" data-testid="mx-ipv6">
          {data.ipv6
            ? 'IPv6: at least one mail server has an AAAA address.'
            : 'IPv6: no mail server has an AAAA address; senders reach it over IPv4 only.'}
        </Text>
      )}
    </Stack>
  );
}
