/**
 * SMTP profiles: where test messages are submitted, how, and as whom; with "Test connection".
 */
import { Alert, Badge, Button, Group, Loader, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { StoredProfile } from '../../../electron/api/operations';
import type { SmtpProfile, SmtpSecurity } from '../../../electron/core/send/profile';
import type { ConnectionResult } from '../../../electron/core/send/send';
import { useClient } from '../client/client-context';
import { errorMessage, formatDuration } from '../format';
import { authVariable, CallError, WHOLE_BADGE, SecretBadge, SecretStoreNotice, SendErrorAlert, Transcript, useSecretStatus, Warnings } from './parts';
import { SecretField, secretOutput, secretValueFor, type SecretValue } from './SecretField';

const SECURITY_OPTIONS: { value: SmtpSecurity; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (port 587)' },
  { value: 'tls', label: 'Implicit TLS (port 465)' },
  { value: 'none', label: 'None: no encryption' },
];

const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

type AuthKind = 'none' | 'password' | 'oauth2';

export const SECURITY_LABEL: Record<SmtpSecurity, string> = { starttls: 'STARTTLS', tls: 'TLS', none: 'none' };

export function useProfiles() {
  const client = useClient();
  return useQuery({ queryKey: ['smtp', 'list'], queryFn: () => client.smtp.list() });
}

interface FormState {
  name: string;
  host: string;
  port: number | string;
  security: SmtpSecurity;
  authKind: AuthKind;
  user: string;
  secret: SecretValue;
  from: string;
  envelopeFrom: string;
}

function formFrom(stored: StoredProfile | null): FormState {
  const p = stored?.profile;
  const auth = p?.auth;
  return {
    name: p?.name ?? '',
    host: p?.host ?? '',
    port: p?.port ?? 587,
    security: p?.security ?? 'starttls',
    authKind: !auth ? (p ? 'none' : 'password') : 'oauth2TokenEnv' in auth || 'oauth2' in auth ? 'oauth2' : 'password',
    user: auth?.user ?? '',
    secret: secretValueFor(authVariable(auth)),
    from: p?.from ?? '',
    envelopeFrom: p?.envelopeFrom ?? '',
  };
}

function ProfileForm({ initial, onDone }: { initial: StoredProfile | null; onDone: (saved: StoredProfile | null) => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const storeAvailable = useSecretStatus().data?.available === true;
  const [form, setForm] = useState<FormState>(() => formFrom(initial));
  const [secretError, setSecretError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (input: { profile: unknown; secret?: string }) => client.smtp.save(input),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['smtp'] });
      onDone(saved);
    },
  });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    save.reset();
  };
  const secretKind = form.authKind === 'oauth2' ? 'OAuth2 access token' : 'password';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSecretError(undefined);
    const out = secretOutput(form.secret, storeAvailable);
    if (form.authKind !== 'none') {
      if (out.variable !== undefined && out.variable === '') {
        setSecretError('Name the environment variable that holds the secret');
        return;
      }
      if (out.variable === undefined && !out.secret && initial?.secret !== 'stored') {
        setSecretError(`Enter the ${secretKind}`);
        return;
      }
    }
    const auth =
      form.authKind === 'none'
        ? undefined
        : form.authKind === 'oauth2'
          ? out.variable === undefined
            ? { user: form.user.trim(), oauth2: true as const }
            : { user: form.user.trim(), oauth2TokenEnv: out.variable }
          : { user: form.user.trim(), ...(out.variable ? { passwordEnv: out.variable } : {}) };
    const profile: Partial<SmtpProfile> & Record<string, unknown> = {
      name: form.name.trim(),
      host: form.host.trim(),
      port: typeof form.port === 'number' ? form.port : Number(form.port),
      security: form.security,
      from: form.from.trim(),
      ...(auth ? { auth } : {}),
      ...(form.envelopeFrom.trim() ? { envelopeFrom: form.envelopeFrom.trim() } : {}),
    };
    save.mutate({ profile, ...(form.authKind !== 'none' && out.secret ? { secret: out.secret } : {}) });
  };

  return (
    <Paper withBorder p="md" component="section" aria-label={initial ? `Edit profile ${initial.profile.name}` : 'New profile'}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {initial ? `Edit ${initial.profile.name}` : 'New SMTP profile'}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Profile name"
              placeholder="work-submission"
              value={form.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              readOnly={initial !== null}
              description={initial ? 'Saving replaces this profile.' : 'How you will pick it when sending.'}
              autoComplete="off"
            />
            <TextInput
              label="From"
              description="The header From: an address, or Name <address>"
              placeholder="News <news@example.com>"
              value={form.from}
              onChange={(e) => set('from', e.currentTarget.value)}
              autoComplete="off"
            />
            <TextInput label="Host" placeholder="smtp.example.com" value={form.host} onChange={(e) => set('host', e.currentTarget.value)} spellCheck={false} autoComplete="off" />
            <SimpleGrid cols={2}>
              <NativeSelect
                label="Security"
                data={SECURITY_OPTIONS}
                value={form.security}
                onChange={(e) => {
                  const security = e.currentTarget.value as SmtpSecurity;
                  // Follow the usual port, unless the user typed a port of their own.
                  const port = Object.values(DEFAULT_PORT).includes(Number(form.port)) ? DEFAULT_PORT[security] : form.port;
                  setForm((f) => ({ ...f, security, port }));
                  save.reset();
                }}
              />
              <NumberInput label="Port" value={form.port} onChange={(v) => set('port', v)} min={1} max={65535} allowDecimal={false} allowNegative={false} />
            </SimpleGrid>
          </SimpleGrid>
          {form.security === 'none' && (
            <Alert color="orange" title="No encryption" data-testid="no-encryption-warning">
              {form.authKind === 'none'
                ? 'The message crosses the network in clear text. Use STARTTLS or implicit TLS unless this is a local test server.'
                : 'The password and the message cross the network in clear text, and most servers refuse to log in without TLS. Use STARTTLS (587) or implicit TLS (465).'}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect
              label="Login"
              value={form.authKind}
              onChange={(e) => set('authKind', e.currentTarget.value as AuthKind)}
              data={[
                { value: 'password', label: 'Password or app password' },
                { value: 'oauth2', label: 'OAuth2 access token (XOAUTH2)' },
                { value: 'none', label: 'None (the server relays without login)' },
              ]}
            />
            {form.authKind !== 'none' && (
              <TextInput label="User" placeholder="news@example.com" value={form.user} onChange={(e) => set('user', e.currentTarget.value)} spellCheck={false} autoComplete="off" />
            )}
          </SimpleGrid>
          {form.authKind !== 'none' && (
            <SecretField
              kind={secretKind}
              value={form.secret}
              onChange={(secret) => {
                setSecretError(undefined);
                set('secret', secret);
              }}
              stored={initial?.secret ?? null}
              error={secretError}
              placeholderVariable={form.authKind === 'oauth2' ? 'SMTP_OAUTH_TOKEN' : 'SMTP_PASSWORD'}
            />
          )}
          <TextInput
            label="Envelope from (optional)"
            description="MAIL FROM, where bounces go; the From address when empty"
            placeholder="bounces@example.com"
            value={form.envelopeFrom}
            onChange={(e) => set('envelopeFrom', e.currentTarget.value)}
            spellCheck={false}
            autoComplete="off"
          />
          {save.isError && <CallError title="Profile not saved" error={save.error} />}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save profile
            </Button>
            <Button variant="subtle" color="gray" onClick={() => onDone(null)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** What "Test connection" found: success or the error in words, and the conversation. */
export function ConnectionReport({ name, result }: { name: string; result: ConnectionResult }) {
  const sent = (command: RegExp) => result.transcript.some((l) => l.dir === 'C' && command.test(l.text));
  const tls = sent(/^STARTTLS/i);
  const login = sent(/^AUTH /i);
  return (
    <Paper withBorder p="md" component="section" aria-label={`Connection test for ${name}`} data-testid="connection-result">
      <Stack gap="sm">
        <Group gap="sm">
          <Title order={3} size="h5">
            Test connection: {name}
          </Title>
          {result.ok ? (
            <Badge color="green">{login ? 'connected and logged in' : 'connected'}</Badge>
          ) : (
            <Badge color="red">failed</Badge>
          )}
          <Text size="sm" c="dimmed">
            {formatDuration(result.timings.totalMs)}
          </Text>
        </Group>
        {result.ok && (
          <Text size="sm">
            The server accepted the connection{tls ? ', switched to TLS with STARTTLS,' : ''}
            {login ? ' and accepted the login.' : ' (no login was asked for).'} Nothing was sent.
          </Text>
        )}
        {result.error && <SendErrorAlert error={result.error} />}
        <Warnings warnings={result.warnings} />
        <Transcript lines={result.transcript} initiallyOpen />
      </Stack>
    </Paper>
  );
}

function ProfileRow({ stored, onEdit, onTest, testing }: { stored: StoredProfile; onEdit: () => void; onTest: () => void; testing: boolean }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const p = stored.profile;
  const remove = useMutation({
    mutationFn: () => client.smtp.delete({ name: p.name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['smtp'] }),
  });
  return (
    <Table.Tr>
      <Table.Td fw={500}>{p.name}</Table.Td>
      <Table.Td style={{ overflowWrap: 'break-word' }}>
        {p.host}:{p.port}
      </Table.Td>
      <Table.Td>
        <Badge styles={WHOLE_BADGE} color={p.security === 'none' ? 'orange' : 'gray'} variant="light" tt="none" title={p.security === 'none' ? 'No encryption' : undefined}>
          {SECURITY_LABEL[p.security]}
        </Badge>
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'break-word' }}>{p.auth ? `${p.auth.user}${'oauth2TokenEnv' in p.auth || 'oauth2' in p.auth ? ' (OAuth2)' : ''}` : '—'}</Table.Td>
      <Table.Td>
        <SecretBadge source={stored.secret} variable={authVariable(p.auth)} />
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'break-word' }}>{p.from}</Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Button size="compact-sm" variant="light" onClick={onTest} loading={testing} aria-label={`Test connection ${p.name}`}>
            Test connection
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={onEdit} aria-label={`Edit ${p.name}`}>
            Edit
          </Button>
          {confirm ? (
            <Button size="compact-sm" color="red" onClick={() => remove.mutate()} loading={remove.isPending} aria-label={`Confirm delete ${p.name}`}>
              Confirm delete
            </Button>
          ) : (
            <Button size="compact-sm" variant="subtle" color="red" onClick={() => setConfirm(true)} aria-label={`Delete ${p.name}`}>
              Delete
            </Button>
          )}
        </Group>
        {remove.isError && (
          <Text size="xs" c="red">
            {errorMessage(remove.error)}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function ProfilesPage() {
  const client = useClient();
  const list = useProfiles();
  const [editing, setEditing] = useState<StoredProfile | 'new' | null>(null);
  const [saved, setSaved] = useState<StoredProfile | null>(null);
  const test = useMutation({ mutationFn: (name: string) => client.smtp.test({ name }) });
  const testedName = test.variables;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          SMTP profiles
        </Title>
        {editing === null && (
          <Button
            onClick={() => {
              setSaved(null);
              setEditing('new');
            }}
          >
            New profile
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" maw={760}>
        The servers test messages are submitted to: your own submission server or your ESP&apos;s, with the login and the From
        address your real mail uses.
      </Text>
      <SecretStoreNotice what="Passwords" />
      {editing !== null && (
        <ProfileForm
          key={editing === 'new' ? 'new' : editing.profile.name}
          initial={editing === 'new' ? null : editing}
          onDone={(result) => {
            setEditing(null);
            setSaved(result);
          }}
        />
      )}
      {saved && (
        <Stack gap={4}>
          <Text size="sm" c="green" role="status">
            Profile {saved.profile.name} saved.
          </Text>
          <Warnings warnings={saved.warnings} />
        </Stack>
      )}
      {list.isPending && <Loader size="sm" aria-label="Loading profiles" />}
      {list.isError && <CallError title="Profiles could not be read" error={list.error} />}
      {list.data && list.data.profiles.length === 0 && editing === null && <Text c="dimmed">No profiles yet. Add the server you send through.</Text>}
      {list.data && list.data.profiles.length > 0 && (
        <Table.ScrollContainer minWidth={980}>
          <Table aria-label="SMTP profiles" verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Server</Table.Th>
                <Table.Th>Security</Table.Th>
                <Table.Th>Login</Table.Th>
                <Table.Th>Secret</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.profiles.map((stored) => (
                <ProfileRow
                  key={stored.profile.name}
                  stored={stored}
                  onEdit={() => {
                    setSaved(null);
                    setEditing(stored);
                  }}
                  onTest={() => test.mutate(stored.profile.name)}
                  testing={test.isPending && testedName === stored.profile.name}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {test.isError && testedName && <CallError title={`${testedName} could not be tested`} error={test.error} />}
      {test.data && testedName && <ConnectionReport key={`${testedName}-${test.submittedAt}`} name={testedName} result={test.data} />}
    </Stack>
  );
}
