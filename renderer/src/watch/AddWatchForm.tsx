import { Alert, Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { apiFieldErrors, nth } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { domainProblem, isIp } from '../forms/validators';
import { hoursProblem, targetsProblem, timeProblem, watchTargets } from './words';

type Field = 'targets' | 'client' | 'hours' | 'time';
type Skip = 'smtp' | 'http' | 'dnsbl';

const SKIPS: { value: Skip; label: string }[] = [
  { value: 'smtp', label: 'Mail server connections (STARTTLS)' },
  { value: 'http', label: 'Web checks (MTA-STS policy, BIMI)' },
  { value: 'dnsbl', label: 'Blocklists' },
];

/** Adding watches: domains and sending IPs, their client, their schedule and what their audit leaves out. */
export function AddWatchForm({ onAdded }: { onAdded: (targets: string[]) => void }) {
  const client = useClient();
  const [targets, setTargets] = useState('');
  const [owner, setOwner] = useState('');
  const [mode, setMode] = useState<'every' | 'at'>('every');
  const [hours, setHours] = useState<string | number>(6);
  const [time, setTime] = useState('07:00');
  const [skip, setSkip] = useState<Skip[]>([]);
  const [pending, setPending] = useState(false);
  const [otherError, setOtherError] = useState<string | null>(null);
  const check = useFieldCheck<Field>({
    targets: targetsProblem(targets, isIp, (v) => domainProblem(v)),
    ...(mode === 'every' ? { hours: hoursProblem(hours) } : { time: timeProblem(time) }),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || !check.submit()) return;
    setPending(true);
    setOtherError(null);
    const list = watchTargets(targets);
    try {
      await client.watch.add({
        targets: list,
        ...(owner.trim() ? { client: owner.trim() } : {}),
        ...(mode === 'every' ? { every: `${Number(hours)}h` } : { at: time.trim() }),
        ...(skip.length ? { skip } : {}),
      });
      onAdded(list);
    } catch (err) {
      const mapped = apiFieldErrors(err, {
        fields: { targets: 'targets', client: 'client', every: 'hours', at: 'time' },
        item: { targets: nth('entry') },
        labels: { skip: 'Leave out', selectors: 'DKIM selectors', resolver: 'DNS resolver' },
      });
      check.setServer(mode === 'every' ? mapped.fields : { ...mapped.fields, ...(mapped.fields.hours ? { time: mapped.fields.hours } : {}) });
      if (Object.keys(mapped.fields).length === 0) setOtherError(mapped.rest.length > 0 ? mapped.rest.join(' ') : errorMessage(err));
    } finally {
      setPending(false);
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="add-watch-title">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="add-watch-title">
            Add a watch
          </Title>
          <Textarea
            label="Domains and IP addresses"
            description="One or more, separated by commas or on their own lines: a domain gets a full audit, a sending IP its blocklists and reverse DNS"
            placeholder={'example.com\n192.0.2.10'}
            autosize
            minRows={2}
            value={targets}
            onChange={(event) => {
              setTargets(event.currentTarget.value);
              check.changed('targets');
            }}
            {...check.field('targets')}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Client"
              description="Optional: groups the watches; a new name makes a new client"
              value={owner}
              onChange={(event) => {
                setOwner(event.currentTarget.value);
                check.changed('client');
              }}
              {...check.field('client')}
              autoComplete="off"
            />
            <div>
              <Text size="sm" fw={500} mb={4} id="watch-schedule-label">
                Schedule
              </Text>
              <SegmentedControl
                aria-labelledby="watch-schedule-label"
                value={mode}
                onChange={(v) => setMode(v as 'every' | 'at')}
                data={[
                  { value: 'every', label: 'Every few hours' },
                  { value: 'at', label: 'Daily' },
                ]}
              />
              {mode === 'every' ? (
                <NumberInput
                  mt="xs"
                  label="Hours between checks"
                  min={1}
                  max={720}
                  allowDecimal={false}
                  value={hours}
                  onChange={(v) => {
                    setHours(v);
                    check.changed('hours');
                  }}
                  {...check.field('hours')}
                />
              ) : (
                <TextInput
                  mt="xs"
                  label="Time of the daily check"
                  description="Hours and minutes on this computer’s clock"
                  placeholder="07:00"
                  value={time}
                  onChange={(event) => {
                    setTime(event.currentTarget.value);
                    check.changed('time');
                  }}
                  {...check.field('time')}
                  autoComplete="off"
                />
              )}
            </div>
          </SimpleGrid>
          <Checkbox.Group label="Leave out of the domains’ audits" value={skip} onChange={(v) => setSkip(v as Skip[])}>
            <Group mt={4}>
              {SKIPS.map((s) => (
                <Checkbox key={s.value} value={s.value} label={s.label} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group>
            <Button type="submit" loading={pending}>
              Watch
            </Button>
          </Group>
          {otherError && (
            <Alert color="red" title="Nothing was added" role="alert">
              {otherError}
            </Alert>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
