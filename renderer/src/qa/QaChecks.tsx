/**
 * The checks of the draft: its findings by kind (each with its code, severity, fix and source line,
 * as every finding list in the app), the mail clients compatibility is checked for (the clients
 * setting), and the link check, run only when asked.
 */
import { Alert, Badge, Button, Checkbox, Chip, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ClientFamily, LinkCheck, QaResult, Settings } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDuration } from '../format';
import { FindingList } from '../result/FindingList';
import { SeverityBadge } from '../result/SeverityBadge';
import { FAMILY_NAMES, FAMILY_ORDER, GROUPS, groupFindings, qaSummary } from './qa-findings';

const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** The client families compatibility is checked for: the clients setting, saved as it is changed. */
export function ClientsSetting({ clients }: { clients: readonly ClientFamily[] }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const label = useId();
  const save = useMutation({
    mutationFn: (next: ClientFamily[]) => client.settings.set({ clients: next }),
    onSuccess: (saved: Settings) => queryClient.setQueryData(['settings'], saved),
  });
  const picked = save.isPending && save.variables ? save.variables : clients;
  return (
    <div>
      <Text size="sm" fw={500} id={label}>
        Mail clients to check
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        Saved in Settings for every check. None picked: all of them.
      </Text>
      <Chip.Group multiple value={[...picked]} onChange={(value) => save.mutate(FAMILY_ORDER.filter((f) => value.includes(f)))}>
        <Group gap={6} role="group" aria-labelledby={label}>
          {FAMILY_ORDER.map((family) => (
            <Chip key={family} value={family} size="xs">
              {FAMILY_NAMES[family]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {save.isError && (
        <Text size="xs" c="red" role="alert" mt={4}>
          The clients were not saved: {errorMessage(save.error)}
        </Text>
      )}
    </div>
  );
}

export function QaFindings({ result }: { result: QaResult }) {
  const groups = groupFindings(result.findings);
  const { counts } = qaSummary(result, '');
  return (
    <Stack gap="md">
      <Group gap="xs" data-testid="qa-counts" aria-label="Findings by severity">
        {(['critical', 'warning', 'info'] as const).map((severity) => (
          <Group key={severity} gap={4}>
            <SeverityBadge severity={severity} />
            <Text size="sm">{counts[severity]}</Text>
          </Group>
        ))}
      </Group>
      {result.notes.length > 0 && (
        <Alert color="gray" title="What limited the checks">
          <List size="sm">
            {result.notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {GROUPS.map((group) => (
        <section key={group.id} aria-label={group.title} data-testid={`qa-group-${group.id}`}>
          <Title order={3} size="h5" mb={4}>
            {group.title} ({groups[group.id].length})
          </Title>
          {group.id === 'compat' && (
            <Text size="xs" c="dimmed" mb={6}>
              Checked for {result.clients.map((f) => FAMILY_NAMES[f]).join(', ')}, from the caniemail.com data: one finding per feature, naming the clients that lack it.
            </Text>
          )}
          {group.id === 'size' && (
            <Text size="xs" c="dimmed" mb={6}>
              HTML part as sent: {bytes(result.htmlBytes)} ({result.transferEncoding}); the HTML itself: {bytes(result.sourceBytes)}. Gmail clips past 102,000 bytes.
            </Text>
          )}
          {group.id === 'links' && groups.links.length === 0 && !result.links ? (
            <Text size="sm" c="dimmed">
              Not checked yet: use Check links below.
            </Text>
          ) : (
            <FindingList findings={groups[group.id]} />
          )}
        </section>
      ))}
    </Stack>
  );
}

/** Why a link was not requested, or what came back, in words. */
function linkOutcome(link: LinkCheck): { text: string; color: string } {
  if (link.reason === 'unsubscribe') return { text: link.requested ? 'redirects to an unsubscribe link: not opened' : 'not opened (unsubscribe link)', color: 'gray' };
  if (link.reason === 'private') return { text: `not opened (private address${link.refused ? ` ${link.refused.address}` : ''})`, color: 'gray' };
  if (link.reason === 'not-http') return { text: 'not a web address', color: 'gray' };
  if (link.reason === 'invalid') return { text: 'not a valid address', color: 'red' };
  if (link.reason === 'loopback-only') return { text: 'not opened (only loopback allowed here)', color: 'gray' };
  if (link.reason === 'not-checked') return { text: 'not checked', color: 'gray' };
  if (link.error) return { text: link.status ? `${link.status}: ${link.error}` : link.error, color: 'red' };
  if (link.status === null) return { text: 'no answer', color: 'red' };
  return { text: String(link.status), color: link.status < 400 ? 'green' : 'red' };
}

function LinkTable({ links }: { links: readonly LinkCheck[] }) {
  if (links.length === 0) return <Text size="sm" c="dimmed">The email has no links or images.</Text>;
  const url = { overflowWrap: 'anywhere', fontSize: 'var(--mantine-font-size-xs)' } as const;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label="Links and images checked" verticalSpacing={4} withTableBorder data-testid="qa-links">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Address</Table.Th>
            <Table.Th w="18%">Result</Table.Th>
            <Table.Th w="24%">Redirects</Table.Th>
            <Table.Th w="8%">Time</Table.Th>
            <Table.Th w="22%">Final address</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {links.map((link, i) => {
            const outcome = linkOutcome(link);
            return (
              <Table.Tr key={`${link.url}-${i}`}>
                <Table.Td style={url}>
                  {link.url}
                  <Text size="xs" c="dimmed">
                    {link.kind === 'image' ? 'image' : 'link'}
                    {link.line !== undefined ? `, line ${link.line}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={outcome.color} variant="light" style={{ whiteSpace: 'normal', height: 'auto' }}>
                    {outcome.text}
                  </Badge>
                </Table.Td>
                <Table.Td style={url}>
                  {link.hops.length > 1
                    ? link.hops.map((hop, n) => (
                        <div key={`${hop.url}-${n}`}>
                          {hop.status} {hop.url}
                        </div>
                      ))
                    : '—'}
                </Table.Td>
                <Table.Td>{link.requested ? formatDuration(link.ms) : '—'}</Table.Td>
                <Table.Td style={url}>{link.finalUrl ?? '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The link check: every link and image requested from this machine, only when asked. */
export function LinkCheckSection({ onCheck, pending, error, links }: { onCheck: (allowPrivate: boolean) => void; pending: boolean; error: unknown; links: readonly LinkCheck[] | null }) {
  const [allowPrivate, setAllowPrivate] = useState(false);
  return (
    <Stack gap="sm">
      <Alert color="yellow" title="Checking links visits them">
        Every link and image of the email is requested from this machine. A tracking link may record that as a click, and a
        one-time link may be used up. Unsubscribe links are never opened: they are listed as not opened.
      </Alert>
      <Group gap="md">
        <Button onClick={() => onCheck(allowPrivate)} loading={pending} variant="light">
          Check links
        </Button>
        <Checkbox label="Also request private and loopback addresses (test labs)" checked={allowPrivate} onChange={(e) => setAllowPrivate(e.currentTarget.checked)} />
      </Group>
      {error !== null && error !== undefined && (
        <Alert color="red" title="The links could not be checked" role="alert">
          {errorMessage(error)}
        </Alert>
      )}
      {links && <LinkTable links={links} />}
    </Stack>
  );
}
