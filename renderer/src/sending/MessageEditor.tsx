/**
 * The test message: profile, subject, HTML (pasted or opened), plain text, headers, DKIM, preview.
 *
 * Shared by the test-send and placement pages through the draft store. Nothing here fetches
 * anything the HTML points to: a file is read locally, and the preview frame is sandboxed with
 * remote images blocked.
 */
import { Alert, Anchor, Button, Checkbox, Code, FileButton, Group, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { DkimKey } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { previewDocument } from '../received/sanitize';
import { routeHref } from '../router';
import { useFieldCheck, type FieldCheck } from '../forms/use-field-check';
import { countWords } from '../qa/qa-findings';
import { draftProblems, fromDomain, headerProblems, listUnsubscribeHeaders, newHeaderRow, qaFor, updateDraft, useDraft, withHeaders, type ComposeDraft, type ComposeField } from './compose-draft';
import { useProfiles } from './ProfilesPage';

/** The api's bound on the HTML (operations.ts ComposeFields). */
const MAX_HTML_BYTES = 20 * 1024 * 1024;

function HeadersEditor({ draft, profileFrom }: { draft: ComposeDraft; profileFrom: string | undefined }) {
  const problems = headerProblems(draft.headers);
  const setRow = (id: number, change: { name?: string; value?: string }) =>
    updateDraft((d) => ({ headers: d.headers.map((row) => (row.id === id ? { ...row, ...change } : row)) }));
  return (
    <Stack gap={6} component="section" aria-label="Custom headers">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Custom headers
        </Text>
        <Group gap={6}>
          <Button
            size="compact-sm"
            variant="light"
            onClick={() => updateDraft((d) => ({ headers: withHeaders(d.headers, listUnsubscribeHeaders(fromDomain(profileFrom ?? ''))) }))}
            title="RFC 2369 List-Unsubscribe with mailto: and https:, and RFC 8058 one-click List-Unsubscribe-Post: required by Gmail and Yahoo from bulk senders"
          >
            Add List-Unsubscribe + One-Click
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={() => updateDraft((d) => ({ headers: [...d.headers, newHeaderRow()] }))}>
            Add header
          </Button>
        </Group>
      </Group>
      {draft.headers.length === 0 && (
        <Text size="xs" c="dimmed">
          None. Subject, From, To, Date, Message-ID and MIME headers are written by the sender.
        </Text>
      )}
      {draft.headers.map((row, i) => (
        <Group key={row.id} gap={6} align="flex-start" wrap="nowrap">
          <TextInput
            aria-label={`Header ${i + 1} name`}
            placeholder="X-Campaign"
            value={row.name}
            onChange={(e) => setRow(row.id, { name: e.currentTarget.value })}
            error={problems.get(row.id)}
            w={220}
            spellCheck={false}
            autoComplete="off"
          />
          <TextInput
            aria-label={`Header ${i + 1} value`}
            placeholder="value"
            value={row.value}
            onChange={(e) => setRow(row.id, { value: e.currentTarget.value })}
            style={{ flex: 1 }}
            spellCheck={false}
            autoComplete="off"
          />
          <Button
            variant="subtle"
            color="gray"
            aria-label={`Remove header ${row.name || i + 1}`}
            onClick={() => updateDraft((d) => ({ headers: d.headers.filter((r) => r.id !== row.id) }))}
          >
            Remove
          </Button>
        </Group>
      ))}
    </Stack>
  );
}

/** Signing with a key from the secret store; a pasted or generated key goes there first. */
function DkimSection({ draft, profileFrom, check }: { draft: ComposeDraft; profileFrom: string | undefined; check: FieldCheck<ComposeField> }) {
  const client = useClient();
  const [pem, setPem] = useState('');
  const [generated, setGenerated] = useState<Pick<DkimKey, 'recordName' | 'record'> | null>(null);
  const dkim = draft.dkim;
  const setDkim = (change: Partial<ComposeDraft['dkim']>) => updateDraft((d) => ({ dkim: { ...d.dkim, ...change } }));
  const domain = dkim.domain || fromDomain(profileFrom ?? '') || '';

  const saveKey = useMutation({
    mutationFn: (privateKey: string) => client.dkim['save-key']({ domain, selector: dkim.selector, privateKey }),
    onSuccess: () => setPem(''),
  });
  const generate = useMutation({
    mutationFn: async () => {
      const key = await client.dkim.generate({ domain, selector: dkim.selector });
      // Straight into the store: the private key never stays in the window.
      await client.dkim['save-key']({ domain, selector: dkim.selector, privateKey: key.privateKeyPem });
      return { recordName: key.recordName, record: key.record };
    },
    onSuccess: (key) => setGenerated(key),
  });

  return (
    <Stack gap={6} component="section" aria-label="DKIM signing">
      <Checkbox
        label="Sign with DKIM"
        description="With a key kept in the secret store for this domain and selector"
        checked={dkim.enabled}
        onChange={(e) => {
          const enabled = e.currentTarget.checked;
          setDkim({ enabled, ...(enabled && !dkim.domain ? { domain } : {}) });
        }}
      />
      {dkim.enabled && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Signing domain (d=)"
                placeholder="example.com"
                value={dkim.domain}
                onChange={(e) => {
                  setDkim({ domain: e.currentTarget.value });
                  check.changed('dkimDomain');
                }}
                {...check.field('dkimDomain')}
                spellCheck={false}
                autoComplete="off"
              />
              <TextInput
                label="Selector (s=)"
                placeholder="s202611"
                value={dkim.selector}
                onChange={(e) => {
                  setDkim({ selector: e.currentTarget.value });
                  check.changed('dkimSelector');
                }}
                {...check.field('dkimSelector')}
                spellCheck={false}
                autoComplete="off"
              />
            </SimpleGrid>
            <Text size="xs" c="dimmed">
              Sending uses the key saved for {dkim.selector || 'selector'}._domainkey.{domain || 'domain'}. Save one here if there is none yet:
            </Text>
            <Textarea
              label="Private key (PEM)"
              placeholder="-----BEGIN PRIVATE KEY-----"
              value={pem}
              onChange={(e) => {
                setPem(e.currentTarget.value);
                saveKey.reset();
              }}
              autosize
              minRows={2}
              maxRows={6}
              spellCheck={false}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            />
            <Group gap={6}>
              <Button size="xs" variant="light" disabled={pem.trim() === ''} loading={saveKey.isPending} onClick={() => saveKey.mutate(pem)}>
                Save key
              </Button>
              <Button size="xs" variant="subtle" loading={generate.isPending} onClick={() => generate.mutate()}>
                Generate key
              </Button>
              {saveKey.isSuccess && (
                <Text size="sm" role="status">
                  Key saved for {saveKey.data.key}.
                </Text>
              )}
            </Group>
            {saveKey.isError && (
              <Alert color="red" title="Key not saved" role="alert">
                {errorMessage(saveKey.error)}
              </Alert>
            )}
            {generate.isError && (
              <Alert color="red" title="No key was generated and saved" role="alert">
                {errorMessage(generate.error)}
              </Alert>
            )}
            {generated && (
              <Alert color="blue" title={`New key saved for ${generated.recordName}`}>
                <Text size="sm">Publish this TXT record at {generated.recordName}, or receivers will report dkim=fail (no key):</Text>
                <Code block mt={4} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {generated.record}
                </Code>
              </Alert>
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

function HtmlPreview({ html }: { html: string }) {
  // Remote images stay blocked: loading them from a test page would tell the sender nothing useful
  // and would reach the network from the user's machine.
  const srcdoc = useMemo(() => previewDocument(html, { remoteImages: false }), [html]);
  return (
    // sandbox="" : no scripts, no same-origin, no popups, no forms, no top navigation.
    <iframe
      title="HTML preview"
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={srcdoc}
      data-testid="compose-preview"
      style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)', background: '#fff' }}
    />
  );
}

/** The composer's problems as the user types (the page's own check when it passes one, to refuse its submit). */
export function useComposeCheck(): FieldCheck<ComposeField> {
  const draft = useDraft();
  const profiles = useProfiles();
  const profileFrom = profiles.data?.profiles.find((p) => p.profile.name === draft.profile)?.profile.from;
  return useFieldCheck(draftProblems(draft, profileFrom));
}

export function MessageEditor({ check: given }: { check?: FieldCheck<ComposeField> } = {}) {
  const own = useComposeCheck();
  const check = given ?? own;
  const draft = useDraft();
  const profiles = useProfiles();
  const [view, setView] = useState<'edit' | 'preview'>('edit');
  const [fileNote, setFileNote] = useState<{ ok: boolean; text: string } | null>(null);
  const list = profiles.data?.profiles ?? [];
  const profileFrom = list.find((p) => p.profile.name === draft.profile)?.profile.from;

  // Pick the first profile once the list is known (or when the chosen one was deleted), so a user
  // with one profile need not choose.
  const first = list[0]?.profile.name;
  const known = list.some((p) => p.profile.name === draft.profile);
  useEffect(() => {
    if (first && !known) updateDraft({ profile: first });
  }, [first, known]);

  const openFile = async (file: File | null) => {
    if (!file) return;
    if (file.size > MAX_HTML_BYTES) {
      setFileNote({ ok: false, text: `${file.name} is larger than 20 MB: that is not an email body.` });
      return;
    }
    try {
      const html = await file.text();
      updateDraft({ html });
      setFileNote({ ok: true, text: `Opened ${file.name}.` });
    } catch (err) {
      setFileNote({ ok: false, text: `${file.name} could not be read: ${(err as Error).message}` });
    }
  };

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <div>
          <NativeSelect
            label="SMTP profile"
            value={draft.profile}
            onChange={(e) => updateDraft({ profile: e.currentTarget.value })}
            data={list.length > 0 ? list.map((p) => ({ value: p.profile.name, label: `${p.profile.name} (${p.profile.host}:${p.profile.port})` })) : [{ value: '', label: 'No profiles yet' }]}
            disabled={list.length === 0}
            description={profileFrom ? `From: ${profileFrom}` : undefined}
            {...check.field('profile')}
          />
          {profiles.isSuccess && list.length === 0 && (
            <Text size="xs" mt={4}>
              <Anchor href={routeHref({ page: 'profiles' })}>Add an SMTP profile</Anchor> to send through.
            </Text>
          )}
        </div>
        <TextInput
          label="Subject"
          value={draft.subject}
          onChange={(e) => {
            updateDraft({ subject: e.currentTarget.value });
            check.changed('subject');
          }}
          {...check.field('subject')}
          autoComplete="off"
        />
      </SimpleGrid>
      <Group justify="space-between" align="flex-end">
        <SegmentedControl
          size="xs"
          value={view}
          onChange={(v) => setView(v === 'preview' ? 'preview' : 'edit')}
          data={[
            { value: 'edit', label: 'Source' },
            { value: 'preview', label: 'Preview', disabled: draft.html.trim() === '' },
          ]}
          aria-label="HTML view"
        />
        <FileButton onChange={(file) => void openFile(file)} accept=".html,.htm,text/html">
          {(props) => (
            <Button {...props} size="xs" variant="light">
              Open HTML file
            </Button>
          )}
        </FileButton>
      </Group>
      {fileNote && (
        <Text size="xs" c={fileNote.ok ? 'dimmed' : 'red'} role={fileNote.ok ? 'status' : 'alert'}>
          {fileNote.text}
        </Text>
      )}
      {view === 'edit' || draft.html.trim() === '' ? (
        <Textarea
          label="HTML"
          placeholder="<html><body><h1>Hello</h1>…"
          value={draft.html}
          onChange={(e) => {
            updateDraft({ html: e.currentTarget.value });
            check.changed('html');
          }}
          {...check.field('html')}
          autosize
          minRows={8}
          maxRows={20}
          spellCheck={false}
          autoComplete="off"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
        />
      ) : (
        <HtmlPreview html={draft.html} />
      )}
      <QaNote draft={draft} />
      <Textarea
        label="Plain text (optional)"
        description="Generated from the HTML unless given: a message with only HTML scores worse with spam filters."
        value={draft.text}
        onChange={(e) => updateDraft({ text: e.currentTarget.value })}
        autosize
        minRows={2}
        maxRows={10}
        autoComplete="off"
      />
      <HeadersEditor draft={draft} profileFrom={profileFrom} />
      <DkimSection draft={draft} profileFrom={profileFrom} check={check} />
    </Stack>
  );
}

/** Whether the design QA of this HTML goes with the send, in words. */
function QaNote({ draft }: { draft: ComposeDraft }) {
  if (!draft.qa) return null;
  const summary = qaFor(draft);
  return (
    <Text size="xs" c="dimmed" role="status" data-testid="compose-qa">
      {summary
        ? `From Design QA${summary.file ? ` of ${summary.file}` : ''}: ${countWords(summary.counts)}. This result is kept with the send in history. `
        : 'The HTML changed after its design QA: no QA result is kept with the send. '}
      <Anchor href={routeHref({ page: 'qa' })} size="xs">
        {summary ? 'Back to Design QA' : 'Check it again in Design QA'}
      </Anchor>
    </Text>
  );
}

export function EditorHeading({ children }: { children: string }) {
  return (
    <Title order={2} size="h4">
      {children}
    </Title>
  );
}
