import { Accordion, Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import type { DkimSelector } from '../../../electron/api/types';
import { count } from './parts';
import type { CheckPanelProps } from './types';

const SOURCE_LABEL: Record<NonNullable<DkimSelector['source']>, string> = {
  builtin: 'common name',
  provider: 'provider catalog',
  user: 'you asked',
  message: 'from a message',
};

/** RSA under 1024 bits is broken (RFC 8301 §3.2); under 2048 is weak. */
function bitsColor(selector: DkimSelector): string | undefined {
  if (selector.keyBits === null) return selector.revoked ? 'dimmed' : 'red';
  if (selector.keyType.toLowerCase() !== 'rsa') return undefined;
  if (selector.keyBits < 1024) return 'red';
  if (selector.keyBits < 2048) return 'orange';
  return undefined;
}

export function DkimPanel({ data }: CheckPanelProps<'dkim'>) {
  return (
    <Stack gap="sm">
      {data.selectors.length === 0 ? (
        <Text size="sm" c="dimmed">
          No DKIM key found under the {count(data.tried.length, 'selector')} tried. A key under another selector name
          cannot be found from DNS alone: add it in the audit options, or analyse a signed message.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="DKIM selectors" withTableBorder verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Selector</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Flags</Table.Th>
                <Table.Th>Found by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.selectors.map((selector) => (
                <Table.Tr key={selector.selector}>
                  <Table.Td>
                    <Code>{selector.selector}._domainkey</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={bitsColor(selector)}>
                      {selector.keyType.toUpperCase()}
                      {selector.keyBits !== null
                        ? `, ${selector.keyBits} bits`
                        : selector.revoked
                          ? ', no key (withdrawn)'
                          : ', key does not parse'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {selector.revoked && (
                        <Badge color="red" variant="light" size="sm" title="An empty p= tag: the key is withdrawn">
                          revoked
                        </Badge>
                      )}
                      {selector.testing && (
                        <Badge color="orange" variant="light" size="sm" title="t=y: receivers may ignore failures">
                          testing
                        </Badge>
                      )}
                      {!selector.revoked && !selector.testing && (
                        <Text size="sm" c="dimmed">
                          none
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{selector.source ? SOURCE_LABEL[selector.source] : ''}</Text>
                    {selector.provider && (
                      <Text size="xs" c="dimmed">
                        {selector.provider}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data.failed && data.failed.length > 0 && (
        <Text size="sm" c="orange" data-testid="dkim-failed">
          Lookups failed, so a key may exist there:{' '}
          {data.failed.map((f, index) => (
            <span key={f.selector}>
              {index > 0 && ', '}
              <Code>{f.selector}</Code> ({f.error})
            </span>
          ))}
        </Text>
      )}
      {data.tried.length > 0 && (
        <Accordion variant="contained">
          <Accordion.Item value="tried">
            <Accordion.Control>Selectors tried ({data.tried.length})</Accordion.Control>
            <Accordion.Panel>
              <Group gap={6} aria-label="DKIM selectors tried">
                {data.tried.map((name) => (
                  <Code key={name}>{name}</Code>
                ))}
              </Group>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      )}
    </Stack>
  );
}
