/**
 * SMTP profiles: where test messages are submitted, how, and as whom; with "Test connection".
 */
import { Alert, Badge, NativeSelect, NumberInput, SimpleGrid, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import type { StoredProfile } from '../../../electron/api/operations';
import type { ConnectionResult, SmtpProfile, SmtpSecurity } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { addressProblem, fromProblem, hostProblem, portProblem, requiredText } from '../forms/validators';
import { authVariable, WHOLE_BADGE, SecretBadge, SendErrorAlert, Transcript, Warnings } from './parts';
import { ItemForm, loginAuth, SavedItemsPage, secretKindFor, TestReport, useItemForm } from './SavedItems';
import { SecretField, secretValueFor, type SecretValue } from './SecretField';

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
  const { form, set, update, save, check, secretError, setSecret, submit: checked } = useItemForm({
    initial: () => formFrom(initial),
    save: (input: { profile: unknown; secret?: string }) => client.smtp.save(input),
    queryKey: 'smtp',
    onDone,
    validate: (f: FormState) => ({
      name: requiredText(f.name, 'Enter a name for the profile'),
      from: fromProblem(f.from),
      host: hostProblem(f.host),
      port: portProblem(f.port),
      user: f.authKind !== 'none' ? requiredText(f.user, 'Enter the user name the server expects') : undefined,
      envelopeFrom: addressProblem(f.envelopeFrom, { required: false }),
    }),
    secret: (f: FormState) => (f.authKind === 'none' ? null : { kind: secretKindFor(f.authKind), stored: initial?.secret }),
  });
  const secretKind = secretKindFor(form.authKind);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const out = checked();
    if (!out) return;
    const auth = form.authKind === 'none' ? undefined : loginAuth(form.authKind, form.user.trim(), out);
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
    <ItemForm noun="profile" editing={initial ? initial.profile.name : null} newTitle="New SMTP profile" save={save} onSubmit={submit} onCancel={() => onDone(null)}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Profile name"
          placeholder="work-submission"
          value={form.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          readOnly={initial !== null}
          description={initial ? 'Saving replaces this profile.' : 'How you will pick it when sending.'}
          {...check.field('name')}
          autoComplete="off"
        />
        <TextInput
          label="From"
          description="The header From: an address, or Name <address>"
          placeholder="News <news@example.com>"
          value={form.from}
          onChange={(e) => set('from', e.currentTarget.value)}
          {...check.field('from')}
          autoComplete="off"
        />
        <TextInput label="Host" placeholder="smtp.example.com" value={form.host} onChange={(e) => set('host', e.currentTarget.value)} {...check.field('host')} spellCheck={false} autoComplete="off" />
        <SimpleGrid cols={2}>
          <NativeSelect
            label="Security"
            data={SECURITY_OPTIONS}
            value={form.security}
            onChange={(e) => {
              const security = e.currentTarget.value as SmtpSecurity;
              // Follow the usual port, unless the user typed a port of their own.
              const port = Object.values(DEFAULT_PORT).includes(Number(form.port)) ? DEFAULT_PORT[security] : form.port;
              update((f) => ({ ...f, security, port }));
            }}
          />
          <NumberInput label="Port" value={form.port} onChange={(v) => set('port', v)} {...check.field('port')} min={1} max={65535} allowDecimal={false} allowNegative={false} />
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
          <TextInput label="User" placeholder="news@example.com" value={form.user} onChange={(e) => set('user', e.currentTarget.value)} {...check.field('user')} spellCheck={false} autoComplete="off" />
        )}
      </SimpleGrid>
      {form.authKind !== 'none' && (
        <SecretField
          kind={secretKind}
          value={form.secret}
          onChange={setSecret}
          stored={initial?.secret ?? null}
          error={secretError}
          placeholderVariable={form.authKind === 'oauth2' ? 'DELIVERLAB_SMTP_TOKEN' : 'DELIVERLAB_SMTP_PASSWORD'}
        />
      )}
      <TextInput
        label="Envelope from (optional)"
        description="MAIL FROM, where bounces go; the From address when empty"
        placeholder="bounces@example.com"
        value={form.envelopeFrom}
        onChange={(e) => set('envelopeFrom', e.currentTarget.value)}
        {...check.field('envelopeFrom')}
        spellCheck={false}
        autoComplete="off"
      />
    </ItemForm>
  );
}

/** What "Test connection" found: success or the error in words, and the conversation. */
export function ConnectionReport({ name, result }: { name: string; result: ConnectionResult }) {
  const sent = (command: RegExp) => result.transcript.some((l) => l.dir === 'C' && command.test(l.text));
  const tls = sent(/^STARTTLS/i);
  const login = sent(/^AUTH /i);
  return (
    <TestReport name={name} testId="connection-result" ok={result.ok} okLabel={login ? 'connected and logged in' : 'connected'} ms={result.timings.totalMs}>
      {result.ok && (
        <Text size="sm">
          The server accepted the connection{tls ? ', switched to TLS with STARTTLS,' : ''}
          {login ? ' and accepted the login.' : ' (no login was asked for).'} Nothing was sent.
        </Text>
      )}
      {result.error && <SendErrorAlert error={result.error} />}
      <Warnings warnings={result.warnings} />
      <Transcript lines={result.transcript} initiallyOpen />
    </TestReport>
  );
}

/**
 * A profile's row: each badge under the value it qualifies, so the table needs five columns, not
 * seven, and fits a 1024-pixel window with its actions.
 */
function ProfileCells({ stored }: { stored: StoredProfile }) {
  const p = stored.profile;
  return (
    <>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        {p.host}:{p.port}
        <br />
        <Badge styles={WHOLE_BADGE} size="sm" color={p.security === 'none' ? 'orange' : 'gray'} variant="light" tt="none" title={p.security === 'none' ? 'No encryption' : undefined}>
          {SECURITY_LABEL[p.security]}
        </Badge>
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        {p.auth ? `${p.auth.user}${'oauth2TokenEnv' in p.auth || 'oauth2' in p.auth ? ' (OAuth2)' : ''}` : '—'}
        <br />
        <SecretBadge source={stored.secret} variable={authVariable(p.auth)} />
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{p.from}</Table.Td>
    </>
  );
}

export function ProfilesPage() {
  const client = useClient();
  const list = useProfiles();
  return (
    <SavedItemsPage
      title="SMTP profiles"
      noun="profile"
      plural="profiles"
      intro={
        <>
          The servers test messages are submitted to: your own submission server or your ESP&apos;s, with the login and the From
          address your real mail uses.
        </>
      }
      secrets="Passwords"
      empty="No profiles yet. Add the server you send through."
      tableLabel="SMTP profiles"
      columns={['Server and security', 'Login and secret', 'From']}
      queryKey="smtp"
      list={{ isPending: list.isPending, isError: list.isError, error: list.error, items: list.data?.profiles }}
      nameOf={(stored) => stored.profile.name}
      cells={(stored) => <ProfileCells stored={stored} />}
      form={(initial, onDone) => <ProfileForm initial={initial} onDone={onDone} />}
      remove={(name) => client.smtp.delete({ name })}
      test={(name) => client.smtp.test({ name })}
      report={(name, result) => <ConnectionReport name={name} result={result} />}
    />
  );
}
