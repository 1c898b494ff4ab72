/**
 * Seed mailboxes: the IMAP accounts a placement run sends to and watches, with "Test connection"
 * (capabilities, IDLE, Gmail extensions, folders and their roles) and a manual override of the roles.
 */
import { Alert, Badge, Button, Group, NativeSelect, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { StoredSeed } from '../../../electron/api/operations';
import type { FolderRole, ImapSecurity, Seed, SeedProvider, SeedTestResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { addressProblem, hostProblem, portProblem, requiredText } from '../forms/validators';
import { authVariable, CallError, WHOLE_BADGE, ImapErrorAlert, SecretBadge, Warnings } from './parts';
import { ItemForm, loginAuth, SavedItemsPage, secretKindFor, TestReport, useItemForm } from './SavedItems';
import { SecretField, secretValueFor, type SecretValue } from './SecretField';

// Copied from the core's lists (type imports only in the renderer); the api validates anyway.
const PROVIDERS: { value: SeedProvider; label: string }[] = [
  { value: 'gmail', label: 'Gmail' },
  { value: 'outlook', label: 'Outlook / Microsoft 365' },
  { value: 'yahoo', label: 'Yahoo' },
  { value: 'icloud', label: 'iCloud' },
  { value: 'other', label: 'Other' },
];
const PROVIDER_HOST: Partial<Record<SeedProvider, string>> = {
  gmail: 'imap.gmail.com',
  outlook: 'outlook.office365.com',
  yahoo: 'imap.mail.yahoo.com',
  icloud: 'imap.mail.me.com',
};
const ROLES: FolderRole[] = ['inbox', 'junk', 'trash', 'sent', 'archive', 'drafts', 'all'];
const ROLE_LABEL: Record<FolderRole, string> = {
  inbox: 'Inbox',
  junk: 'Junk / spam',
  trash: 'Trash',
  sent: 'Sent',
  archive: 'Archive',
  drafts: 'Drafts',
  all: 'All mail',
};
const SECURITY_OPTIONS: { value: ImapSecurity; label: string }[] = [
  { value: 'tls', label: 'Implicit TLS (port 993)' },
  { value: 'starttls', label: 'STARTTLS (port 143)' },
  { value: 'none', label: 'None: no encryption' },
];
const DEFAULT_PORT: Record<ImapSecurity, number> = { tls: 993, starttls: 143, none: 143 };

export function useSeeds() {
  const client = useClient();
  return useQuery({ queryKey: ['seeds', 'list'], queryFn: () => client.seeds.list() });
}

interface FormState {
  name: string;
  address: string;
  provider: SeedProvider;
  host: string;
  port: number | string;
  security: ImapSecurity;
  authKind: 'password' | 'oauth2';
  user: string;
  secret: SecretValue;
}

function formFrom(stored: StoredSeed | null): FormState {
  const s = stored?.seed;
  return {
    name: s?.name ?? '',
    address: s?.address ?? '',
    provider: s?.provider ?? 'other',
    host: s?.host ?? '',
    port: s?.port ?? 993,
    security: s?.security ?? 'tls',
    authKind: s && ('oauth2TokenEnv' in s.auth || 'oauth2' in s.auth) ? 'oauth2' : 'password',
    user: s?.auth.user ?? '',
    secret: secretValueFor(authVariable(s?.auth)),
  };
}

function SeedForm({ initial, onDone }: { initial: StoredSeed | null; onDone: (saved: StoredSeed | null) => void }) {
  const client = useClient();
  const { form, set, update, save, check, secretError, setSecret, submit: checked } = useItemForm({
    initial: () => formFrom(initial),
    save: (input: { seed: unknown; secret?: string }) => client.seeds.save(input),
    queryKey: 'seeds',
    onDone,
    validate: (f: FormState) => ({
      name: requiredText(f.name, 'Enter a name for the seed'),
      address: addressProblem(f.address, { dotted: true }),
      host: hostProblem(f.host),
      port: portProblem(f.port),
    }),
    secret: (f: FormState) => ({ kind: secretKindFor(f.authKind), stored: initial?.secret }),
  });
  const kind = secretKindFor(form.authKind);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const out = checked();
    if (!out) return;
    const seed: Partial<Seed> & Record<string, unknown> = {
      name: form.name.trim(),
      address: form.address.trim(),
      provider: form.provider,
      host: form.host.trim(),
      port: typeof form.port === 'number' ? form.port : Number(form.port),
      security: form.security,
      auth: loginAuth(form.authKind, form.user.trim() || form.address.trim(), out),
      // Editing keeps the role overrides made from the test result.
      ...(initial?.seed.folders ? { folders: initial.seed.folders } : {}),
    };
    save.mutate({ seed, ...(out.secret ? { secret: out.secret } : {}) });
  };

  return (
    <ItemForm noun="seed" editing={initial ? initial.seed.name : null} newTitle="New seed mailbox" save={save} onSubmit={submit} onCancel={() => onDone(null)}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Seed name"
          placeholder="gmail-1"
          value={form.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          {...check.field('name')}
          readOnly={initial !== null}
          autoComplete="off"
        />
        <TextInput label="Address" description="Where the test message is sent" placeholder="seed1@gmail.com" value={form.address} onChange={(e) => set('address', e.currentTarget.value)} {...check.field('address')} spellCheck={false} autoComplete="off" />
        <NativeSelect
          label="Provider"
          data={PROVIDERS}
          value={form.provider}
          onChange={(e) => {
            const provider = e.currentTarget.value as SeedProvider;
            const host = PROVIDER_HOST[provider];
            update((f) => ({ ...f, provider, ...(host ? { host, port: 993, security: 'tls' as const } : {}) }));
          }}
        />
        <TextInput label="IMAP host" placeholder="imap.example.com" value={form.host} onChange={(e) => set('host', e.currentTarget.value)} {...check.field('host')} spellCheck={false} autoComplete="off" />
        <NativeSelect
          label="Security"
          data={SECURITY_OPTIONS}
          value={form.security}
          onChange={(e) => {
            const security = e.currentTarget.value as ImapSecurity;
            const port = Object.values(DEFAULT_PORT).includes(Number(form.port)) ? DEFAULT_PORT[security] : form.port;
            update((f) => ({ ...f, security, port }));
          }}
        />
        <NumberInput label="Port" value={form.port} onChange={(v) => set('port', v)} {...check.field('port')} min={1} max={65535} allowDecimal={false} allowNegative={false} />
      </SimpleGrid>
      {form.security === 'none' && (
        <Alert color="orange" title="No encryption" data-testid="no-encryption-warning">
          The password and every message cross the network in clear text. Use implicit TLS (993) or STARTTLS unless this is a local test server.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NativeSelect
          label="Login"
          value={form.authKind}
          onChange={(e) => set('authKind', e.currentTarget.value === 'oauth2' ? 'oauth2' : 'password')}
          data={[
            { value: 'password', label: 'Password or app password' },
            { value: 'oauth2', label: 'OAuth2 access token (XOAUTH2)' },
          ]}
        />
        <TextInput label="User" description="The address when empty" placeholder={form.address || 'seed1@gmail.com'} value={form.user} onChange={(e) => set('user', e.currentTarget.value)} spellCheck={false} autoComplete="off" />
      </SimpleGrid>
      <SecretField
        kind={kind}
        value={form.secret}
        onChange={setSecret}
        stored={initial?.secret ?? null}
        error={secretError}
        placeholderVariable={form.authKind === 'oauth2' ? 'DELIVERLAB_SEED1_TOKEN' : 'DELIVERLAB_SEED1_PASSWORD'}
      />
    </ItemForm>
  );
}

/** Choose the folder for each role by hand, when the server's SPECIAL-USE flags and the usual names are not enough. */
function RoleOverrides({ stored, result }: { stored: StoredSeed; result: SeedTestResult }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [folders, setFolders] = useState<Partial<Record<FolderRole, string>>>(() => ({ ...(stored.seed.folders ?? {}) }));
  const save = useMutation({
    mutationFn: () => {
      const chosen = Object.fromEntries(Object.entries(folders).filter(([, path]) => path)) as Partial<Record<FolderRole, string>>;
      const { folders: _old, ...rest } = stored.seed;
      return client.seeds.save({ seed: Object.keys(chosen).length > 0 ? { ...rest, folders: chosen } : rest });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['seeds'] }),
  });
  const detected = (role: FolderRole) => result.folders.find((f) => f.role === role && f.roleSource !== 'override')?.path;
  const paths = result.folders.map((f) => f.path);
  return (
    <Stack gap="xs" component="section" aria-label="Folder roles">
      <Title order={4} size="h6">
        Folder roles
      </Title>
      <Text size="xs" c="dimmed">
        Where placement looks for each role. Left on &ldquo;detected&rdquo;, the server&apos;s SPECIAL-USE flags (RFC 6154) or the usual names decide.
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {ROLES.map((role) => (
          <NativeSelect
            key={role}
            label={ROLE_LABEL[role]}
            value={folders[role] ?? ''}
            onChange={(e) => {
              const path = e.currentTarget.value;
              setFolders((f) => ({ ...f, [role]: path }));
              save.reset();
            }}
            data={[{ value: '', label: `detected: ${detected(role) ?? 'none'}` }, ...paths.map((p) => ({ value: p, label: p }))]}
          />
        ))}
      </SimpleGrid>
      <Group>
        <Button size="xs" variant="light" onClick={() => save.mutate()} loading={save.isPending}>
          Save folder roles
        </Button>
        {save.isSuccess && (
          <Text size="sm" role="status">
            Folder roles saved.
          </Text>
        )}
      </Group>
      {save.isError && <CallError title="Folder roles not saved" error={save.error} />}
    </Stack>
  );
}

function YesNo({ value }: { value: boolean }) {
  return (
    <Badge color={value ? 'green' : 'gray'} variant="light">
      {value ? 'yes' : 'no'}
    </Badge>
  );
}

function SeedTestReport({ stored, result }: { stored: StoredSeed | undefined; result: SeedTestResult }) {
  return (
    <TestReport name={result.seed} testId="seed-test-result" ok={result.ok} okLabel="logged in" ms={result.ms}>
      {result.error && <ImapErrorAlert error={result.error} />}
      <Warnings warnings={result.warnings} />
      {result.ok && (
        <>
          <Group gap="lg">
            <Group gap={6}>
              <Text size="sm">IDLE (instant notice of new mail)</Text>
              <YesNo value={result.idle} />
            </Group>
            <Group gap={6}>
              <Text size="sm">Gmail extensions (labels, categories)</Text>
              <YesNo value={result.gmail} />
            </Group>
          </Group>
          <div>
            <Text size="sm" fw={500} mb={4}>
              Capabilities
            </Text>
            <Group gap={4} data-testid="capabilities">
              {result.capabilities.map((c) => (
                <Badge key={c} variant="outline" color="gray" tt="none" size="sm">
                  {c}
                </Badge>
              ))}
            </Group>
          </div>
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Folders" verticalSpacing={4} withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Folder</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Found by</Table.Th>
                  <Table.Th>Flags</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.folders.map((f) => (
                  <Table.Tr key={f.path}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{f.path}</Table.Td>
                    <Table.Td>{f.role ? <Badge variant="light">{f.role}</Badge> : '—'}</Table.Td>
                    <Table.Td>{f.roleSource === 'special-use' ? 'SPECIAL-USE flag' : f.roleSource === 'name' ? 'usual name' : f.roleSource === 'override' ? 'your choice' : '—'}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {f.flags.join(' ')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {stored && <RoleOverrides key={stored.seed.name} stored={stored} result={result} />}
        </>
      )}
    </TestReport>
  );
}

function SeedCells({ stored }: { stored: StoredSeed }) {
  const s = stored.seed;
  const overrides = Object.keys(s.folders ?? {}).length;
  return (
    <>
      <Table.Td style={{ overflowWrap: 'break-word' }}>{s.address}</Table.Td>
      <Table.Td>{s.provider}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {s.host}:{s.port}{' '}
        <Badge styles={WHOLE_BADGE} color={s.security === 'none' ? 'orange' : 'gray'} variant="light" size="sm" tt="none">
          {s.security === 'none' ? 'no TLS' : s.security.toUpperCase()}
        </Badge>
      </Table.Td>
      <Table.Td>
        <SecretBadge source={stored.secret} variable={authVariable(s.auth)} />
      </Table.Td>
      <Table.Td>{overrides > 0 ? `${overrides} chosen` : 'detected'}</Table.Td>
    </>
  );
}

export function SeedsPage() {
  const client = useClient();
  const list = useSeeds();
  return (
    <SavedItemsPage
      title="Seed mailboxes"
      noun="seed"
      plural="seeds"
      intro={
        <>
          Mailboxes at the providers you care about. A placement run sends to every seed and watches over IMAP where each copy
          lands: inbox, a Gmail tab, spam, another folder, or nowhere.
        </>
      }
      secrets="Seed passwords"
      empty="No seed mailboxes yet."
      tableLabel="Seed mailboxes"
      columns={['Address', 'Provider', 'Server', 'Secret', 'Folders']}
      queryKey="seeds"
      list={{ isPending: list.isPending, isError: list.isError, error: list.error, items: list.data?.seeds }}
      nameOf={(stored) => stored.seed.name}
      cells={(stored) => <SeedCells stored={stored} />}
      form={(initial, onDone) => <SeedForm initial={initial} onDone={onDone} />}
      remove={(name) => client.seeds.delete({ name })}
      test={(name) => client.seeds.test({ name })}
      report={(_name, result, stored) => <SeedTestReport stored={stored} result={result} />}
    />
  );
}
