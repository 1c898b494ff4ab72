import { Anchor, Badge, Code, Stack, Table, Text } from '@mantine/core';
import type { DnsblResult } from '../../../electron/api/types';
import type { CheckPanelProps } from './types';

/** Listed first, then refused (no answer either way), then clean: what needs action comes first. */
function rank(result: DnsblResult): number {
  if (result.listed) return 0;
  if (result.refused || result.error) return 1;
  return 2;
}

const SOURCE_LABEL: Record<NonNullable<DnsblResult['source']>, string> = {
  mx: 'MX address',
  sending: 'sending IP',
  domain: 'the domain',
};

function Verdict({ result }: { result: DnsblResult }) {
  if (result.listed) {
    return (
      <Badge color="red" variant="filled" size="sm">
        listed
      </Badge>
    );
  }
  if (result.error === 'untrusted') {
    // The list did not list its own test entry (RFC 5782 §5): its "not listed" may be the resolver's.
    return (
      <Badge color="orange" variant="light" size="sm" title="The list did not list its own test entry through this resolver: its answer cannot be trusted">
        not trusted
      </Badge>
    );
  }
  if (result.error) {
    return (
      <Badge color="orange" variant="light" size="sm" title={`The query failed (${result.error}): neither listed nor clean`}>
        no answer
      </Badge>
    );
  }
  if (result.refused) {
    return (
      <Badge color="gray" variant="light" size="sm" title="The list refused the query (quota, or a public resolver): no answer either way">
        refused
      </Badge>
    );
  }
  return (
    <Badge color="green" variant="light" size="sm">
      clean
    </Badge>
  );
}

export function DnsblPanel({ data }: CheckPanelProps<'dnsbl'>) {
  if (data.results.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing was looked up: no addresses or domains to check.
      </Text>
    );
  }
  const rows = [...data.results].sort((a, b) => rank(a) - rank(b));
  const listed = rows.filter((r) => r.listed).length;
  const unknown = rows.filter((r) => !r.listed && (r.refused || r.error)).length;
  // The range note is about the address, not the list: say it once per target.
  const ranges = new Map<string, string>();
  for (const r of rows) if (r.range && !ranges.has(r.target)) ranges.set(r.target, r.range);
  return (
    <Stack gap="sm">
      <Text size="sm" c={listed > 0 ? 'red' : undefined} fw={listed > 0 ? 600 : undefined}>
        {listed > 0
          ? `Listed on ${listed} of ${rows.length} lookups.`
          : unknown > 0
            ? `Not listed in ${rows.length - unknown} of ${rows.length} lookups; ${unknown} gave no answer that can be trusted.`
            : `Not listed in any of the ${rows.length} lookups.`}
      </Text>
      {[...ranges].map(([target, range]) => (
        <Text key={target} size="xs" c="dimmed">
          <Code>{target}</Code> is in {range}
        </Text>
      ))}
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Blocklist results" withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Target</Table.Th>
              <Table.Th>List</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>Codes</Table.Th>
              <Table.Th>Meaning</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((result) => (
              <Table.Tr key={`${result.target}-${result.zone}`} data-listed={result.listed || undefined}>
                <Table.Td>
                  <Code>{result.target}</Code>
                  {result.source && (
                    <Text size="xs" c="dimmed">
                      {SOURCE_LABEL[result.source]}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{result.list}</Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {result.zone}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Verdict result={result} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {result.codes.join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{result.error ? (result.meanings[0] ?? `Query failed: ${result.error}`) : result.meanings.join('; ')}</Text>
                  {result.listed && result.delisting && (
                    // The list's own page, from our catalog (never a URL the audited domain chose).
                    <Anchor href={result.delisting} target="_blank" rel="noreferrer noopener" size="xs">
                      Delisting: {result.delisting}
                    </Anchor>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
