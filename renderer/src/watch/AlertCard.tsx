import { Anchor, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import type { Alert } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage, formatDate } from '../format';
import { routeHref } from '../router';
import { RULE_WORDS } from './words';

const DAY = 24 * 3_600_000;

/** A record's text before or after a change, as published. */
function Published({ label, value }: { label: string; value: string | undefined }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {value === undefined || value === '' ? '(none)' : value}
      </Code>
    </div>
  );
}

/**
 * One alert: its watch, what changed, the evidence, the fix and the audit it came from; and what
 * the user can do about it (acknowledge, snooze for a day, mute its rule for its watch).
 */
export function AlertCard({ alert, onChanged }: { alert: Alert; onChanged: () => void }) {
  const client = useClient();
  const titleId = useId();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (what: string, call: () => Promise<unknown>) => {
    setPending(what);
    setError(null);
    try {
      await call();
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPending(null);
    }
  };
  const changed = alert.before !== undefined || alert.after !== undefined;
  return (
    <Paper withBorder p="md" component="article" aria-labelledby={titleId} data-testid="alert">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={700} id={titleId} component="h3" m={0} size="md">
            {alert.target}: {alert.title}
          </Text>
          <Group gap="xs">
            <Badge variant="light" color="red">
              {RULE_WORDS[alert.rule]}
            </Badge>
            {alert.client && <Badge variant="outline" color="gray">{alert.client}</Badge>}
          </Group>
        </Group>
        <Text size="sm" c="dimmed">
          Raised {formatDate(alert.raisedAt)}
          {!alert.open && (alert.ackedAt ? ' · acknowledged' : alert.snoozedUntil ? ` · snoozed until ${formatDate(alert.snoozedUntil)}` : '')}
        </Text>
        <Text size="sm">{alert.detail}</Text>
        {changed && (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Published label="Before" value={alert.before} />
            <Published label="After" value={alert.after} />
          </SimpleGrid>
        )}
        {alert.evidence && <Published label="Evidence" value={alert.evidence} />}
        {alert.fix && (
          <div>
            <Text size="sm" fw={600}>
              How to fix it
            </Text>
            <Text size="sm">{alert.fix}</Text>
          </div>
        )}
        <Group gap="xs">
          {alert.auditId !== null && (
            <Anchor href={routeHref({ page: 'history-item', id: alert.auditId })} size="sm">
              Open the audit of {alert.target}
            </Anchor>
          )}
        </Group>
        {alert.open && (
          <Group gap="xs">
            <Button size="compact-sm" loading={pending === 'ack'} onClick={() => void act('ack', () => client.alerts.ack({ id: alert.id }))}>
              Acknowledge
            </Button>
            <Button size="compact-sm" variant="light" loading={pending === 'snooze'} onClick={() => void act('snooze', () => client.alerts.snooze({ id: alert.id, until: new Date(Date.now() + DAY).toISOString() }))}>
              Snooze for a day
            </Button>
            <Button size="compact-sm" variant="subtle" color="gray" loading={pending === 'mute'} onClick={() => void act('mute', () => client.watch.mute({ id: alert.watchId, rule: alert.rule, muted: true }))}>
              Mute “{RULE_WORDS[alert.rule]}” for {alert.target}
            </Button>
          </Group>
        )}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
