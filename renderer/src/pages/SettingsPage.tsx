import { Alert, Button, Code, DataList, Group, Loader, NumberInput, Paper, PasswordInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { selectorListProblem } from '../forms/validators';
import { ReportBrandingSection } from './ReportBrandingSection';
import { SpamFiltersSection } from './SpamFiltersSection';

type Field = 'resolver' | 'dnsTimeoutMs' | 'dkimSelectors' | 'spamhausDqsKey';

const FIELDS: Record<string, Field> = { resolver: 'resolver', dnsTimeoutMs: 'dnsTimeoutMs', dkimSelectors: 'dkimSelectors', spamhausDqsKey: 'spamhausDqsKey' };

function timeoutProblem(value: number | string): string | undefined {
  const ms = typeof value === 'number' ? value : Number(value);
  if (value === '' || !Number.isInteger(ms) || ms < 200 || ms > 30_000) return 'A whole number of milliseconds from 200 to 30000';
  return undefined;
}

function SettingsForm({ initial }: { initial: Settings }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [resolver, setResolver] = useState(initial.resolver);
  const [timeout, setTimeoutMs] = useState<number | string>(initial.dnsTimeoutMs);
  const [selectors, setSelectors] = useState(initial.dkimSelectors ?? '');
  const [dqsKey, setDqsKey] = useState(initial.spamhausDqsKey ?? '');
  const [storeRaw, setStoreRaw] = useState(initial.storeRawMessages ?? true);
  const [background, setBackground] = useState(initial.keepWatchingInBackground ?? false);
  // The resolver's forms (servers, DNS-over-HTTPS, authoritative) are checked by the api alone: its
  // answer shows beside the field like the others.
  const check = useFieldCheck<Field>({
    dnsTimeoutMs: timeoutProblem(timeout),
    dkimSelectors: selectorListProblem(selectors),
    spamhausDqsKey: /^[a-z0-9]{0,64}$/i.test(dqsKey.trim()) ? undefined : 'A DQS key is letters and digits',
  });
  const [otherError, setOtherError] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (patch: Partial<Settings>) => client.settings.set(patch),
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: FIELDS, labels: { storeRawMessages: 'Keep a copy of analysed messages', keepWatchingInBackground: 'Keep checking watches with the window closed' } });
      check.setServer(mapped.fields);
      setOtherError(Object.keys(mapped.fields).length === 0 && mapped.rest.length === 0 ? [errorMessage(err)] : mapped.rest);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      setResolver(saved.resolver);
      setTimeoutMs(saved.dnsTimeoutMs);
      setSelectors(saved.dkimSelectors ?? '');
      setDqsKey(saved.spamhausDqsKey ?? '');
      setStoreRaw(saved.storeRawMessages ?? true);
      setBackground(saved.keepWatchingInBackground ?? false);
    },
  });
  const edited = (field: Field) => {
    check.changed(field);
    save.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOtherError([]);
    if (!check.submit()) return;
    // NumberInput gives '' when empty: send it as NaN would be, and let the api explain.
    save.mutate({
      resolver,
      dnsTimeoutMs: typeof timeout === 'number' ? timeout : Number(timeout),
      dkimSelectors: selectors,
      spamhausDqsKey: dqsKey,
      storeRawMessages: storeRaw,
      keepWatchingInBackground: background,
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={480}>
        <TextInput
          label="DNS resolver"
          description="Where audits send their DNS queries: the system resolver, or servers as IP[:PORT], separated by commas."
          placeholder="system, or 1.1.1.1, 9.9.9.9:53"
          value={resolver}
          onChange={(event) => {
            setResolver(event.currentTarget.value);
            edited('resolver');
          }}
          {...check.field('resolver')}
          spellCheck={false}
          autoComplete="off"
        />
        <NumberInput
          label="DNS timeout (ms)"
          description="How long one DNS query may take before it is retried, then reported as a timeout."
          value={timeout}
          onChange={(value) => {
            setTimeoutMs(value);
            edited('dnsTimeoutMs');
          }}
          min={200}
          max={30000}
          step={100}
          allowDecimal={false}
          allowNegative={false}
          {...check.field('dnsTimeoutMs')}
        />
        <TextInput
          label="DKIM selectors"
          description="Tried by every audit besides the common names, separated by commas: the selectors your senders use."
          placeholder="s1, mail2026"
          value={selectors}
          onChange={(event) => {
            setSelectors(event.currentTarget.value);
            edited('dkimSelectors');
          }}
          {...check.field('dkimSelectors')}
          spellCheck={false}
          autoComplete="off"
        />
        <PasswordInput
          label="Spamhaus DQS key"
          description="With a Data Query Service key, blocklist queries go to Spamhaus directly and work through public resolvers. Empty: the public mirrors."
          value={dqsKey}
          onChange={(event) => {
            setDqsKey(event.currentTarget.value);
            edited('spamhausDqsKey');
          }}
          {...check.field('spamhausDqsKey')}
          spellCheck={false}
          autoComplete="off"
        />
        <Switch
          label="Keep a copy of analysed messages"
          description="Stored compressed in the local history with each analysis, so it can be shown or analysed again. Off: only the results are kept."
          checked={storeRaw}
          onChange={(event) => {
            setStoreRaw(event.currentTarget.checked);
            save.reset();
          }}
        />
        <Switch
          label="Keep checking watches with the window closed"
          description="The desktop app stays running from an icon in the system tray (or the menu bar) and keeps checking watched domains and IPs. Off: closing the window quits, and checks run while the app is open."
          checked={background}
          onChange={(event) => {
            setBackground(event.currentTarget.checked);
            save.reset();
          }}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
          {save.isSuccess && (
            <Text size="sm" role="status">
              Settings saved.
            </Text>
          )}
        </Group>
        {save.isError && otherError.length > 0 && (
          <Alert color="red" title="Settings not saved" role="alert">
            {otherError.join(' ')}
          </Alert>
        )}
      </Stack>
    </form>
  );
}

function AboutPanel() {
  const client = useClient();
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.app.info(), staleTime: Infinity });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="about-heading">
      <Title order={2} size="h4" id="about-heading" mb="sm">
        About
      </Title>
      {info.isPending && <Loader size="sm" />}
      {info.isError && <Text c="red">{errorMessage(info.error)}</Text>}
      {info.data && (
        <DataList size="sm" labelWidth="8rem">
          <DataList.Item>
            <DataList.ItemLabel>Version</DataList.ItemLabel>
            <DataList.ItemValue>
              {info.data.name} {info.data.version}
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Data</DataList.ItemLabel>
            <DataList.ItemValue>
              <Code style={{ wordBreak: 'break-all' }}>{info.data.dataPath}</Code>
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Running on</DataList.ItemLabel>
            <DataList.ItemValue>
              Node {info.data.node}, {info.data.platform},{' '}
              {info.data.transport === 'ipc' ? 'desktop app' : 'deliverlab serve'}
            </DataList.ItemValue>
          </DataList.Item>
        </DataList>
      )}
    </Paper>
  );
}

export function SettingsPage() {
  const client = useClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.settings.get() });
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Settings
      </Title>
      {settings.isPending && <Loader size="sm" aria-label="Loading settings" />}
      {settings.isError && (
        <Alert color="red" title="Settings could not be read">
          {errorMessage(settings.error)}
        </Alert>
      )}
      {settings.data && <SettingsForm initial={settings.data} />}
      {settings.data && <ReportBrandingSection initial={settings.data.reportBrand ?? {}} />}
      {settings.data && <SpamFiltersSection initial={settings.data} />}
      <AboutPanel />
    </Stack>
  );
}
