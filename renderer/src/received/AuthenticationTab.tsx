/**
 * SPF, every DKIM signature, DMARC, ARC and BIMI as we evaluated them, and the receiver's own words beside ours.
 */
import { Badge, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { DkimSignatureResult, Finding, LenientResult, MessageAnalysis } from '../../../electron/api/types';
import { Fact, Facts, None, RecordText, YesNo } from '../checks/parts';
import { messageFindingDetail, receiverNote, spfCheckedDomain, spfComment } from '../app-words';
import { FindingList } from '../result/FindingList';
import { ourResult, resultColor } from './message-text';

function Result({ result }: { result: string }) {
  return (
    <Badge color={resultColor(result)} variant="light" tt="none" data-result={result}>
      {result}
    </Badge>
  );
}

/** Where many receivers read more leniently than the RFCs: their result beside ours, and why. */
function LenientFact({ lenient }: { lenient: LenientResult | undefined }) {
  if (!lenient) return null;
  return (
    <Fact label="Lenient receivers">
      <Group gap={6} wrap="nowrap" align="flex-start" data-testid="lenient-note">
        <Result result={lenient.result} />
        <Text size="sm">{lenient.why}</Text>
      </Group>
    </Fact>
  );
}

function DkimCard({ sig }: { sig: DkimSignatureResult }) {
  return (
    <Card withBorder padding="sm" component="section" aria-label={`DKIM signature d=${sig.domain} s=${sig.selector}`} data-testid="dkim-signature">
      <Stack gap="xs">
        <Group gap="xs">
          <Result result={sig.result} />
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            d={sig.domain} s={sig.selector}
          </Text>
        </Group>
        <Facts>
          <Fact label="Aligned with From">
            <YesNo value={sig.aligned} />
          </Fact>
          {sig.algorithm && <Fact label="Algorithm">{sig.algorithm}</Fact>}
          <Fact label="Key size">{sig.keyBits ? `${sig.keyBits} bits` : <None>unknown</None>}</Fact>
          {sig.canonicalization && <Fact label="Canonicalization (c=)">{sig.canonicalization}</Fact>}
          <Fact label="Body length (l=)">{sig.bodyLength != null ? `${sig.bodyLength} bytes` : <None>whole body</None>}</Fact>
          {sig.signedHeaders && sig.signedHeaders.length > 0 && (
            <Fact label="Signed headers (h=)">
              <RecordText>{sig.signedHeaders.join(':')}</RecordText>
            </Fact>
          )}
          {sig.bodyHash && (
            <>
              <Fact label="Body hash (bh=)">
                <RecordText>{sig.bodyHash.expected}</RecordText>
              </Fact>
              <Fact label="Body hash computed">
                <Group gap={6} wrap="nowrap" align="flex-start">
                  <RecordText>{sig.bodyHash.computed}</RecordText>
                  <Badge size="sm" variant="light" color={sig.bodyHash.match ? 'green' : 'red'} style={{ flexShrink: 0 }}>
                    {sig.bodyHash.match ? 'match' : 'mismatch'}
                  </Badge>
                </Group>
              </Fact>
              {sig.bodyHash.canonicalLength !== undefined && <Fact label="Canonical body">{sig.bodyHash.canonicalLength} bytes</Fact>}
            </>
          )}
          {sig.comment && <Fact label="Verifier said">{sig.comment}</Fact>}
          <LenientFact lenient={sig.lenient} />
        </Facts>
        {sig.explanation && (
          <Text size="sm" data-testid="dkim-explanation">
            <Text span fw={600}>
              Why it failed:{' '}
            </Text>
            {sig.explanation}
          </Text>
        )}
        {sig.signedHeadersPresent && sig.signedHeadersPresent.length > 0 && (
          <Text size="sm">
            Signed headers present now:{' '}
            {sig.signedHeadersPresent.map((h) => (
              <Badge key={h.name} size="sm" variant="light" color={h.present ? 'green' : 'red'} mr={4} tt="none">
                {h.name} {h.present ? '✓' : 'missing'}
              </Badge>
            ))}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function ReceiverComparison({ analysis }: { analysis: MessageAnalysis }) {
  const { receiver } = analysis;
  if (receiver.results.length === 0 && receiver.arcAuthenticationResults.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        The message carries no Authentication-Results header: there is no receiver verdict to compare with.
      </Text>
    );
  }
  const differences = new Map(receiver.differences.map((d) => [d.method.toLowerCase(), d]));
  return (
    <Stack gap="xs">
      {receiver.authServId && (
        <Text size="sm">
          Written by <Code>{receiver.authServId}</Code>
        </Text>
      )}
      {receiver.results.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label="Receiver and our results" verticalSpacing={4} withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Method</Table.Th>
                <Table.Th>Receiver said</Table.Th>
                <Table.Th>We found</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {receiver.results.map((r, i) => {
                const diff = differences.get(r.method.toLowerCase());
                const ours = ourResult(analysis, r.method);
                const props = Object.entries(r.properties)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ');
                return (
                  <Table.Tr
                    key={`${r.method}-${i}`}
                    data-differs={diff ? true : undefined}
                    style={diff ? { background: 'var(--mantine-color-yellow-light)' } : undefined}
                  >
                    <Table.Td fw={600}>{r.method}</Table.Td>
                    <Table.Td>
                      <Result result={r.result} />
                    </Table.Td>
                    <Table.Td>{ours ? <Result result={ours} /> : <None>not evaluated</None>}</Table.Td>
                    <Table.Td>
                      {diff && (
                        <Text size="sm" fw={600} c="orange">
                          {receiverNote(diff, analysis)}
                        </Text>
                      )}
                      {props && (
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {props}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {receiver.differences
        .filter((d) => !receiver.results.some((r) => r.method.toLowerCase() === d.method.toLowerCase()))
        .map((d) => (
          <Text key={d.method} size="sm" c="orange">
            {d.method}: receiver {d.receiver}, we {d.ours} — {receiverNote(d, analysis)}
          </Text>
        ))}
      {receiver.arcAuthenticationResults.length > 0 && (
        <div>
          <Text size="xs" c="dimmed">
            ARC-Authentication-Results
          </Text>
          {receiver.arcAuthenticationResults.map((line, i) => (
            <Code block key={i} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {line}
            </Code>
          ))}
        </div>
      )}
    </Stack>
  );
}

export function AuthenticationTab({ analysis, findings }: { analysis: MessageAnalysis; findings: Finding[] }) {
  const { spf, dkim, dmarc, arc, bimi } = analysis.auth;
  const checked = spfCheckedDomain(analysis);
  const spfSaid = spfComment(analysis);
  return (
    <Stack gap="lg">
      {findings.length > 0 && <FindingList findings={findings.map((f) => ({ ...f, detail: messageFindingDetail(f, analysis) }))} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card withBorder padding="sm" component="section" aria-label="SPF">
          <Title order={3} size="h5" mb={4}>
            SPF
          </Title>
          <Facts>
            <Fact label="Result">
              <Result result={spf.result} />
            </Fact>
            <Fact label="Checked domain">{'domain' in checked ? checked.domain : <None>{checked.none}</None>}</Fact>
            {spf.record && (
              <Fact label="Record">
                <RecordText>{spf.record}</RecordText>
              </Fact>
            )}
            {spfSaid && <Fact label="Verifier said">{spfSaid}</Fact>}
          </Facts>
        </Card>
        <Card withBorder padding="sm" component="section" aria-label="DMARC">
          <Title order={3} size="h5" mb={4}>
            DMARC
          </Title>
          <Facts>
            <Fact label="Result">
              <Result result={dmarc.result} />
            </Fact>
            <Fact label="From domain">{dmarc.domain ?? <None>unknown</None>}</Fact>
            <Fact label="Policy">{dmarc.policy ?? <None>no DMARC record</None>}</Fact>
            <Fact label="SPF aligned">
              <YesNo value={dmarc.alignment.spf} />
            </Fact>
            <Fact label="DKIM aligned">
              <YesNo value={dmarc.alignment.dkim} />
            </Fact>
            {dmarc.comment && <Fact label="Verifier said">{dmarc.comment}</Fact>}
            <LenientFact lenient={dmarc.lenient} />
          </Facts>
        </Card>
      </SimpleGrid>
      <section aria-label="DKIM signatures">
        <Title order={3} size="h5" mb={6}>
          DKIM signatures ({dkim.length})
        </Title>
        {dkim.length === 0 ? (
          <Text size="sm" c="dimmed">
            The message carries no DKIM-Signature header.
          </Text>
        ) : (
          // One signature gets the full width: its hashes and header list read better unwrapped.
          <SimpleGrid cols={dkim.length > 1 ? { base: 1, lg: 2 } : 1} spacing="sm">
            {dkim.map((sig, i) => (
              <DkimCard key={`${sig.domain}-${sig.selector}-${i}`} sig={sig} />
            ))}
          </SimpleGrid>
        )}
      </section>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card withBorder padding="sm" component="section" aria-label="ARC">
          <Title order={3} size="h5" mb={4}>
            ARC
          </Title>
          <Facts>
            <Fact label="Chain">
              <Result result={arc.result} />
            </Fact>
            <Fact label="Instances">{arc.instances}</Fact>
            {arc.comment && <Fact label="Verifier said">{arc.comment}</Fact>}
            <LenientFact lenient={arc.lenient} />
          </Facts>
        </Card>
        <Card withBorder padding="sm" component="section" aria-label="BIMI">
          <Title order={3} size="h5" mb={4}>
            BIMI
          </Title>
          <Facts>
            <Fact label="Result">
              <Result result={bimi?.result ?? 'none'} />
            </Fact>
            {bimi?.location && (
              <Fact label="Logo">
                <RecordText>{bimi.location}</RecordText>
              </Fact>
            )}
            {bimi?.comment && <Fact label="Verifier said">{bimi.comment}</Fact>}
          </Facts>
        </Card>
      </SimpleGrid>
      <section aria-label="What the receiver said">
        <Title order={3} size="h5" mb={6}>
          What the receiver said
        </Title>
        <ReceiverComparison analysis={analysis} />
      </section>
    </Stack>
  );
}
