/**
 * The Received headers as a timeline, oldest first: the path the message took and how long each leg took.
 */
import { Badge, Code, Stack, Table, Text } from '@mantine/core';
import type { MessageAnalysis } from '../../../electron/api/types';
import { envelopeExplanation } from '../app-words';
import { formatDate } from '../format';
import { formatSeconds } from './message-text';

export function HopsTab({ analysis }: { analysis: MessageAnalysis }) {
  const { hops, envelope } = analysis;
  if (hops.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        The message carries no Received header: it was not relayed, or the headers were cut.
      </Text>
    );
  }
  // RFC 5321 §4.4: each relay prepends its Received header, so the bottom one is the oldest.
  const ordered = [...hops].sort((a, b) => b.index - a.index);
  return (
    <Stack gap="sm">
      <Text size="sm" data-testid="transit">
        {hops.length} {hops.length === 1 ? 'hop' : 'hops'}
        {analysis.transitSeconds !== null ? `, ${formatSeconds(analysis.transitSeconds)} in transit` : ', transit time unknown'}
        {hops.some((h) => h.outOfOrder) && (
          <Text span c="orange" fw={600}>
            {' '}
            · clocks disagree on some hops
          </Text>
        )}
      </Text>
      {/* No minimum width: From and By wrap, so the table fits a 1024-pixel window without scrolling. */}
      <Table.ScrollContainer minWidth={0}>
        <Table aria-label="Hops" verticalSpacing={4} withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>With</Table.Th>
              <Table.Th>TLS</Table.Th>
              <Table.Th>Time</Table.Th>
              <Table.Th ta="right">Delay</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ordered.map((hop, i) => {
              const trusted = envelope.trustedHop === hop.index;
              return (
                <Table.Tr
                  key={hop.index}
                  data-trusted={trusted || undefined}
                  data-out-of-order={hop.outOfOrder || undefined}
                  style={trusted ? { background: 'var(--mantine-color-blue-light)' } : undefined}
                  title={hop.raw}
                >
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {hop.from ?? '—'}
                    {hop.fromIp && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        [{hop.fromIp}]
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {hop.by ?? '—'}
                    {trusted && (
                      <Badge size="xs" ml={6} variant="filled" color="blue">
                        trusted hop
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{hop.with ? <Code>{hop.with}</Code> : '—'}</Table.Td>
                  <Table.Td>
                    {hop.tls === undefined ? (
                      <Text span c="dimmed" size="sm">
                        unknown
                      </Text>
                    ) : (
                      <Badge size="sm" variant="light" color={hop.tls ? 'green' : 'orange'}>
                        {hop.tls ? (hop.tlsVersion ?? 'TLS') : 'none'}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td style={{ minWidth: '7rem' }}>{hop.time ? formatDate(hop.time) : '—'}</Table.Td>
                  <Table.Td ta="right">
                    {hop.delaySeconds !== undefined ? (
                      <Text span size="sm" c={hop.outOfOrder ? 'orange' : undefined} fw={hop.outOfOrder ? 600 : undefined}>
                        {formatSeconds(hop.delaySeconds)}
                        {hop.outOfOrder ? ' (out of order)' : ''}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {envelope.trustedHop !== null && (
        <Text size="xs" c="dimmed">
          The highlighted hop is the one whose sender address and HELO were trusted for SPF: {envelopeExplanation(analysis)}
        </Text>
      )}
    </Stack>
  );
}
