/**
 * Pieces shared by the profile, seed, send and placement screens: transcripts, error explanations,
 * secret badges and the secret store notice.
 */
import { Alert, Anchor, Badge, Box, Code, Collapse, List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SecretSource } from '../../../electron/api/operations';
import type { ImapErrorInfo, SeedOutcome, SendError, TranscriptLine } from '../../../electron/api/types';
import { secretVariable, type MailAuth } from '../../../electron/shared/mail-login';
import { useClient } from '../client/client-context';
import { imapErrorText, secretStoreReason, sendErrorText } from '../app-words';
import { errorMessage } from '../format';
import { transcriptText } from './transcript-text';
import { placementLabel, placementLook, STATE_COLOR, STATE_LABEL } from './placement-view';

/** The secret store's state, asked once per window (it changes only when the keyring does). */
export function useSecretStatus() {
  const client = useClient();
  return useQuery({ queryKey: ['secrets', 'status'], queryFn: () => client.secrets.status(), staleTime: 60_000 });
}

/**
 * Where passwords go: the keychain, or, when there is none, why not and what to do.
 *
 * Shown above every form that takes a secret, so nobody types a password that will not be kept.
 */
export function SecretStoreNotice({ what }: { what: string }) {
  const status = useSecretStatus();
  if (status.isPending) return null;
  if (status.isError) {
    return (
      <Alert color="red" title="The secret store could not be asked" data-testid="secret-store-notice">
        {errorMessage(status.error)}
      </Alert>
    );
  }
  if (status.data.available) {
    return (
      <Text size="sm" c="dimmed" data-testid="secret-store-notice">
        {what} are kept in the operating system&apos;s keychain{status.data.backend ? ` (${status.data.backend})` : ''}, never in the
        history file, and never shown again.
      </Text>
    );
  }
  return (
    <Alert color="yellow" title="Passwords cannot be stored here" data-testid="secret-store-notice">
      <Text size="sm">{secretStoreReason(status.data)}</Text>
      <Text size="sm" mt={4}>
        For example, start it as <Code>DELIVERLAB_SMTP_PASSWORD=… npx deliverlab serve</Code> and give{' '}
        <Code>DELIVERLAB_SMTP_PASSWORD</Code> as the environment variable below. Only variables whose names start with{' '}
        <Code>DELIVERLAB_</Code> are read, so a shared profile or seed cannot make Deliverlab send another program&apos;s secret.
      </Text>
    </Alert>
  );
}

/**
 * Badge styles for values that must be read whole (a variable's name, STARTTLS).
 *
 * Mantine cuts a badge's text with an ellipsis when its table column is narrow; these let the badge
 * keep its width, so the table grows (it scrolls) instead.
 */
export const WHOLE_BADGE = { root: { overflow: 'visible', flexShrink: 0 }, label: { overflow: 'visible' } } as const;

/** "stored", "from $VAR", "missing" or "no login", for a profile's or seed's secret. */
export function SecretBadge({ source, variable }: { source: SecretSource; variable: string | undefined }) {
  switch (source) {
    case 'stored':
      return (
        <Badge styles={WHOLE_BADGE} color="green" variant="light" title="Kept in the operating system's keychain">
          stored
        </Badge>
      );
    case 'env':
      return (
        <Badge styles={WHOLE_BADGE} color="blue" variant="light" tt="none" title="Read from the environment when needed">
          from ${variable ?? '?'}
        </Badge>
      );
    case 'none':
      return (
        <Badge styles={WHOLE_BADGE} color="gray" variant="light">
          no login
        </Badge>
      );
    case 'missing':
      return (
        <Badge
          styles={WHOLE_BADGE}
          color="red"
          variant="light"
          tt="none"
          title={variable ? `$${variable} is not set for Deliverlab` : 'No password is stored: edit and enter it'}
        >
          {variable ? `missing $${variable}` : 'missing'}
        </Badge>
      );
  }
}

/** The variable an auth block names, if it names one: the one the CLI and serve read. */
export function authVariable(auth: MailAuth | undefined): string | undefined {
  return auth ? secretVariable(auth) : undefined;
}

const SEND_ERROR_TITLE: Record<SendError['kind'], string> = {
  auth: 'The server refused the login',
  tls: 'The encrypted connection failed',
  refused: 'The connection was refused',
  timeout: 'The server did not answer in time',
  dns: 'The host name was not found',
  rejected: 'The server refused the envelope',
  message: 'The server refused the message',
  protocol: 'The server answered unexpectedly',
  blocked: 'Deliverlab refused to connect',
  other: 'The connection failed',
};

/** A send or connection error, in words, with the server's own reply under it. */
export function SendErrorAlert({ error, title }: { error: SendError; title?: string }) {
  return (
    <Alert color="red" title={title ?? SEND_ERROR_TITLE[error.kind]} role="alert" data-testid="send-error">
      <Text size="sm">{sendErrorText(error)}</Text>
      <Text size="xs" c="dimmed" mt={4}>
        {error.code}
        {error.command ? ` · at ${error.command}` : ''}
        {error.response ? ` · server said: ${error.response}` : ''}
      </Text>
    </Alert>
  );
}

const IMAP_ERROR_TITLE: Record<ImapErrorInfo['kind'], string> = {
  auth: 'The mailbox refused the login',
  tls: 'The encrypted connection failed',
  refused: 'The connection was refused',
  timeout: 'The server did not answer in time',
  dropped: 'The server dropped the connection',
  dns: 'The host name was not found',
  protocol: 'The server answered unexpectedly',
  blocked: 'Deliverlab refused to connect',
  other: 'The mailbox could not be used',
};

export function ImapErrorAlert({ error }: { error: ImapErrorInfo }) {
  return (
    <Alert color="red" title={IMAP_ERROR_TITLE[error.kind]} role="alert" data-testid="imap-error">
      <Text size="sm">{imapErrorText(error)}</Text>
      <Text size="xs" c="dimmed" mt={4}>
        {error.code}
      </Text>
    </Alert>
  );
}

/** An error from the api itself (validation, missing profile, no secret) under the form that caused it. */
export function CallError({ title, error }: { title: string; error: unknown }) {
  return (
    <Alert color="red" title={title} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}

export function Warnings({ warnings }: { warnings: readonly string[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="orange" title={warnings.length === 1 ? 'Warning' : 'Warnings'} data-testid="warnings">
      <List size="sm">
        {warnings.map((w) => (
          <List.Item key={w}>{w}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

const DIR_COLOR: Record<TranscriptLine['dir'], string | undefined> = {
  C: 'var(--mantine-color-blue-text)',
  S: undefined,
  '*': 'var(--mantine-color-dimmed)',
};

/**
 * The SMTP conversation, one line per command or reply, with the time since the start.
 *
 * Credentials are redacted by the core before the lines leave it; this only shows them.
 */
export function Transcript({ lines, label = 'SMTP transcript', initiallyOpen = false }: { lines: readonly TranscriptLine[]; label?: string; initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <Box>
      <Anchor component="button" type="button" size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {open ? 'Hide' : 'Show'} the {label} ({lines.length} lines)
      </Anchor>
      <Collapse expanded={open}>
        <Code
          block
          mt={6}
          aria-label={label}
          role="log"
          data-testid="smtp-transcript"
          // It scrolls: focusable, so a keyboard can scroll it (WCAG 2 §2.1.1).
          tabIndex={0}
          style={{ maxHeight: 420, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 'var(--mantine-font-size-xs)' }}
        >
          {lines.length === 0
            ? 'Nothing was exchanged.'
            : lines.map((line, i) => (
                <span key={i} style={{ color: DIR_COLOR[line.dir], display: 'block' }}>
                  {transcriptText(line)}
                </span>
              ))}
        </Code>
      </Collapse>
    </Box>
  );
}

export function PlacementBadge({ placement }: { placement: SeedOutcome['placement'] }) {
  const look = placementLook(placement);
  return (
    <Badge styles={WHOLE_BADGE} color={look.color} variant={look.variant} tt="none" data-placement={placement}>
      {placementLabel(placement)}
    </Badge>
  );
}

export function SeedStateBadge({ state }: { state: SeedOutcome['state'] }) {
  return (
    <Badge color={STATE_COLOR[state]} variant="dot" tt="none" data-state={state}>
      {STATE_LABEL[state]}
    </Badge>
  );
}
