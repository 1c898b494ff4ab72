import { Code, Stack, Table, Text } from '@mantine/core';
import type { TlsaRecord } from '../../../electron/api/types';
import { Fact, Facts, YesNo } from './parts';
import type { CheckPanelProps } from './types';

// RFC 6698 §2.1.1 and RFC 7218 names for the TLSA fields.
const USAGE = ['PKIX-TA', 'PKIX-EE', 'DANE-TA', 'DANE-EE'];
const SELECTOR = ['Cert', 'SPKI'];
const MATCHING = ['Full', 'SHA2-256', 'SHA2-512'];

function tlsaText(record: TlsaRecord): string {
  const name = (names: string[], n: number) => names[n] ?? String(n);
  const data = record.data.length > 24 ? `${record.data.slice(0, 24)}…` : record.data;
  return `${record.usage} ${record.selector} ${record.matchingType} ${data} (${name(USAGE, record.usage)} ${name(SELECTOR, record.selector)} ${name(MATCHING, record.matchingType)})`;
}

export function DnssecPanel({ data }: CheckPanelProps<'dnssec'>) {
  return (
    <Stack gap="sm">
      <Facts>
        <Fact label="Zone signed">
          <YesNo value={data.signed} yes="Yes: DS at the parent and DNSKEYs" no="No" />
        </Fact>
        <Fact label="Validated by resolver">
          <YesNo value={data.validated} yes="Yes (AD flag)" no="No" unknown="The resolver does not say" />
        </Fact>
      </Facts>
      {data.mx.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="DANE per MX host" withTableBorder verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>MX host</Table.Th>
                <Table.Th>Signed</Table.Th>
                <Table.Th>TLSA records (_25._tcp)</Table.Th>
                <Table.Th>DANE match</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.mx.map((row) => (
                <Table.Tr key={row.host}>
                  <Table.Td>
                    <Code>{row.host}</Code>
                  </Table.Td>
                  <Table.Td>
                    <YesNo value={row.signed} />
                  </Table.Td>
                  <Table.Td>
                    {row.error ? (
                      <Text size="sm" c="red">
                        {row.error}
                      </Text>
                    ) : row.tlsa.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        none
                      </Text>
                    ) : (
                      <Stack gap={0}>
                        {row.tlsa.map((record, index) => (
                          <Text key={index} size="xs" ff="monospace" title={record.data} style={{ wordBreak: 'break-all' }}>
                            {tlsaText(record)}
                          </Text>
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {row.tlsa.length === 0 && row.daneMatch === null ? (
                      <Text size="sm" c="dimmed">
                        no DANE
                      </Text>
                    ) : (
                      <YesNo value={row.daneMatch} yes="matches" no="does not match" unknown="not probed" />
                    )}
                    {row.daneNote && (
                      <Text size="xs" c="dimmed">
                        {row.daneNote}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
