/**
 * Settings' "Spam filters": where SpamAssassin (spamd) and rspamd are reached, whether each answers
 * and its version, and how to install and start one that does not. An empty address is a filter that
 * is not used: the clear state of a machine that runs none.
 */
import { Alert, Button, Code, Group, List, Loader, Paper, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Settings, SpamFilterStatus } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { SPAM_FILTER_NAMES } from '../../../electron/shared/spam-words';

type Field = 'spamd' | 'rspamd';


function InstallHelp({ status }: { status: SpamFilterStatus }) {
  const { install } = status;
  const lines = (commands: string[]) => (
    <List size="sm" spacing={4}>
      {commands.map((c) => (
        <List.Item key={c}>{/^[a-z]/.test(c) ? <Code style={{ wordBreak: 'break-all' }}>{c}</Code> : c}</List.Item>
      ))}
    </List>
  );
  return (
    <Stack gap={4}>
      <Text size="sm">
        To install and start it, then enter <Code>{install.address}</Code> above:
      </Text>
      <Tabs defaultValue="debian" variant="outline">
        <Tabs.List>
          <Tabs.Tab value="debian">Debian or Ubuntu</Tabs.Tab>
          <Tabs.Tab value="macos">macOS</Tabs.Tab>
          <Tabs.Tab value="windows">Windows</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="debian" pt="xs">
          {lines(install.debian)}
        </Tabs.Panel>
        <Tabs.Panel value="macos" pt="xs">
          {lines(install.macos)}
        </Tabs.Panel>
        <Tabs.Panel value="windows" pt="xs">
          {lines(install.windows)}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function FilterState({ status }: { status: SpamFilterStatus }) {
  const name = SPAM_FILTER_NAMES[status.filter];
  return (
    <Stack gap={6} data-testid={`spam-status-${status.filter}`} data-reachable={status.reachable}>
      {!status.configured && (
        <Text size="sm">
          <Text span fw={600}>
            {name}:
          </Text>{' '}
          not set up, so messages are not scored by it.
        </Text>
      )}
      {status.configured && status.reachable && (
        <Text size="sm" c="green">
          <Text span fw={600}>
            {name} {status.version}
          </Text>{' '}
          answers at {status.address}.
        </Text>
      )}
      {status.configured && !status.reachable && (
        <Text size="sm" c="red">
          <Text span fw={600}>
            {name}:
          </Text>{' '}
          {status.error}
        </Text>
      )}
      {!status.reachable && <InstallHelp status={status} />}
    </Stack>
  );
}

export function SpamFiltersSection({ initial }: { initial: Settings }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const headingId = useId();
  const [spamd, setSpamd] = useState(initial.spamd ?? '');
  const [rspamd, setRspamd] = useState(initial.rspamd ?? '');
  const check = useFieldCheck<Field>({
    spamd: /\s/.test(spamd.trim()) ? 'An address like 127.0.0.1:783, without spaces' : undefined,
    rspamd: rspamd.trim() === '' || /^https?:\/\/\S+$/i.test(rspamd.trim()) ? undefined : 'An address starting with http://, like http://127.0.0.1:11333',
  });
  const [otherError, setOtherError] = useState<string[]>([]);
  const status = useQuery({ queryKey: ['spam', 'status'], queryFn: () => client.spam.status({}), retry: false });
  const save = useMutation({
    mutationFn: (patch: Partial<Settings>) => client.settings.set(patch),
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: { spamd: 'spamd', rspamd: 'rspamd' } });
      check.setServer(mapped.fields);
      setOtherError(Object.keys(mapped.fields).length === 0 && mapped.rest.length === 0 ? [errorMessage(err)] : mapped.rest);
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['settings'], saved);
      setSpamd(saved.spamd ?? '');
      setRspamd(saved.rspamd ?? '');
      await queryClient.invalidateQueries({ queryKey: ['spam', 'status'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOtherError([]);
    if (!check.submit()) return;
    save.mutate({ spamd: spamd.trim(), rspamd: rspamd.trim() });
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid="spam-settings">
      <Title order={2} size="h4" id={headingId} mb="xs">
        Spam filters
      </Title>
      <Text size="sm" c="dimmed" mb="sm" maw={640}>
        Message analysis, design QA and test sends can ask SpamAssassin and rspamd for their verdict. Each is optional: leave its address
        empty to not use it. Messages are sent to the addresses given here and nowhere else.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={480}>
          <TextInput
            label="SpamAssassin (spamd) address"
            description="Host and port, like 127.0.0.1:783"
            placeholder="127.0.0.1:783"
            value={spamd}
            onChange={(event) => {
              setSpamd(event.currentTarget.value);
              check.changed('spamd');
              save.reset();
            }}
            {...check.field('spamd')}
            spellCheck={false}
            autoComplete="off"
          />
          <TextInput
            label="rspamd address"
            description="Its web address, like http://127.0.0.1:11333"
            placeholder="http://127.0.0.1:11333"
            value={rspamd}
            onChange={(event) => {
              setRspamd(event.currentTarget.value);
              check.changed('rspamd');
              save.reset();
            }}
            {...check.field('rspamd')}
            spellCheck={false}
            autoComplete="off"
          />
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save spam filters
            </Button>
            <Button variant="default" onClick={() => void status.refetch()} loading={status.isFetching}>
              Check again
            </Button>
            {save.isSuccess && (
              <Text size="sm" role="status">
                Spam filters saved.
              </Text>
            )}
          </Group>
          {save.isError && otherError.length > 0 && (
            <Alert color="red" title="Spam filters not saved" role="alert">
              {otherError.join(' ')}
            </Alert>
          )}
        </Stack>
      </form>
      <Stack gap="md" mt="md" aria-live="polite">
        {status.isPending && <Loader size="sm" aria-label="Checking the spam filters" />}
        {status.isError && <Text c="red">{errorMessage(status.error)}</Text>}
        {status.data?.filters.map((f) => <FilterState key={f.filter} status={f} />)}
      </Stack>
    </Paper>
  );
}
