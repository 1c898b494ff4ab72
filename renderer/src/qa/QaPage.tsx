/**
 * Design QA: open a draft (a file, its path, or pasted HTML), see it as mail clients would, read
 * what the checks found, then send it as a test or a placement run with its QA result kept.
 *
 * A draft opened by its path is watched: saving it in an editor refreshes the preview and the
 * checks. In the desktop app the open dialog gives the path; a browser does not tell a page where a
 * file came from, so under serve the path is typed.
 */
import { Alert, Button, FileButton, Group, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent } from 'react';
import type { QaResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { errorFields } from '../forms/api-errors';
import { navigate } from '../router';
import { composeFields, updateDraft, useDraft } from '../sending/compose-draft';
import { DraftSpamScore, type DraftSpamRequest } from '../sending/DraftSpamScore';
import { ClientsSetting, LinkCheckSection, QaFindings } from './QaChecks';
import { QaPreview } from './QaPreview';
import { qaSummary } from './qa-findings';
import { draftText, EMPTY_QA_DRAFT, fileBase64, keepCurrentDraft, kindOfName, MAX_KEPT_CHARS, setQaDraft, useQaDraft, type Kept, type QaDraft } from './qa-draft';
import { SourceErrors, sourceErrors } from './SourceErrors';
import { draftOf, inOrder, useDraftWatch } from './use-draft-watch';
import { downloadFile } from '../download';

/** The api's bound on a draft file (a message can be larger, up to 50 MB). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** What qa.run takes for a draft. */
function runInput(d: QaDraft) {
  return { source: d.source, encoding: d.encoding, ...(d.name ? { name: d.name } : {}), ...(d.kind ? { kind: d.kind } : {}) };
}

/** The name remote-image consent and hand-offs know a draft by. */
const draftKey = (d: QaDraft) => d.path ?? d.name ?? 'pasted';

const inlinedName = (name: string | null) => `${(name ?? 'email').replace(/\.[^.]*$/, '') || 'email'}-inlined.html`;

function DraftStatus({ draft, watching, problem, kept }: { draft: QaDraft; watching: boolean; problem: string | null; kept: Kept }) {
  if (draft.source === '' && draft.path === null) return null;
  const what = draft.name ?? 'Pasted HTML';
  return (
    <Stack gap={2} role="status" data-testid="draft-status">
      <Text size="sm">
        <Text span fw={600}>
          {what}
        </Text>
        {draft.path
          ? watching
            ? ` is watched at ${draft.path}: saving it refreshes the preview and the checks.`
            : ` at ${draft.path}.`
          : draft.name
            ? ': opened from a file, not watched. Open it by its path to have saves refresh the page.'
            : '.'}
      </Text>
      {problem && (
        <Text size="sm" c="orange.9">
          {problem}
        </Text>
      )}
      {kept !== 'all' && (
        <Text size="xs" c="dimmed">
          {kept === 'path'
            ? `The draft is over ${MAX_KEPT_CHARS.toLocaleString('en-US')} characters: after a reload its file is read again from its path.`
            : `The draft is over ${MAX_KEPT_CHARS.toLocaleString('en-US')} characters and was not opened by path: it will not be here after a reload.`}
        </Text>
      )}
    </Stack>
  );
}

/**
 * What the spam filters score for the draft: a message file as it is; HTML or MJML as the test send
 * would compose it, through the sending profile (and DKIM key) chosen in Test send.
 */
function qaSpamRequest(shown: QaResult, draft: { source: string; encoding: 'utf8' | 'base64' }, composer: ReturnType<typeof useDraft>): DraftSpamRequest | { problem: string } {
  if (shown.kind === 'eml') return { raw: draft.source, encoding: draft.encoding };
  if (!composer.profile) return { problem: 'Choose a sending profile in Test send first: an HTML draft is scored as that profile would send it, with its From address and DKIM signature.' };
  const { profile, dkim, headers } = composeFields(composer);
  return { profile, subject: shown.subject?.trim() || '(no subject)', html: shown.html, ...(shown.text.trim() ? { text: shown.text } : {}), ...(headers ? { headers } : {}), ...(dkim ? { dkim } : {}) };
}

export function QaPage() {
  const client = useClient();
  const draft = useQaDraft();
  const composer = useDraft();
  // Typing is checked once it pauses; a file (opened, dropped, or saved while watched) at once.
  const [debounced] = useDebouncedValue(draft, 200);
  const settled = draft.encoding === 'utf8' && draft.name === null ? debounced : draft;
  const watch = useDraftWatch(client, draft);
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.app.info(), staleTime: Infinity });
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.settings.get() });
  const desktop = info.data?.transport === 'ipc';
  const clients = settings.data?.clients ?? [];
  const [kept, setKept] = useState<Kept>('all');
  const [pathText, setPathText] = useState('');
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => setKept(keepCurrentDraft(settled)), [settled]);

  const hasDraft = settled.source.trim() !== '';
  const qa = useQuery({
    queryKey: ['qa', 'run', settled.version, clients.join(',')],
    queryFn: async () => ({ result: await client.qa.run(runInput(settled)), checkedAt: new Date().toISOString(), version: settled.version }),
    enabled: hasDraft && settings.isSuccess,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    gcTime: 30_000,
  });
  const links = useMutation({
    mutationFn: async ({ allowPrivate }: { allowPrivate: boolean; version: number }) => client.qa.run({ ...runInput(settled), links: true, allowPrivate }),
  });
  // The link check belongs to the version it ran on: a later save shows the checks without it.
  const linked = links.data && links.variables?.version === qa.data?.version ? links.data : null;
  const shown: QaResult | null = hasDraft ? (linked ?? qa.data?.result ?? null) : null;

  const openPath = useMutation({
    mutationFn: (path: string) => inOrder(() => client.qa.watch({ path })),
    onSuccess: (file) => {
      setQaDraft(draftOf(file));
      setFileNote(null);
    },
  });
  const openDialog = useMutation({
    mutationFn: () => inOrder(() => client.qa.open({})),
    onSuccess: ({ file }) => {
      if (file) setQaDraft(draftOf(file));
      setFileNote(null);
    },
  });
  const inline = useMutation({
    mutationFn: async (result: QaResult): Promise<string | null> => {
      if (desktop) {
        const saved = await client.qa['save-inlined']({ html: result.html, ...(draft.name ? { name: draft.name } : {}), ...(draft.path ? { original: draft.path } : {}) });
        return saved.saved && saved.path ? `Saved to ${saved.path}.` : null;
      }
      const out = await client.qa.run({ ...runInput(settled), inlineCss: true });
      downloadFile(inlinedName(draft.name), out.inlinedHtml ?? out.html, 'text/html;charset=utf-8');
      return `Downloaded as ${inlinedName(draft.name)}.`;
    },
  });

  const openFile = async (file: File | null) => {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileNote(`${file.name} is larger than 50 MB: that is not an email draft.`);
      return;
    }
    try {
      const kind = kindOfName(file.name);
      setQaDraft({ source: await fileBase64(file), encoding: 'base64', name: file.name, path: null, ...(kind ? { kind } : { kind: undefined }) });
      setFileNote(null);
    } catch (err) {
      setFileNote(`${file.name} could not be read: ${(err as Error).message}`);
    }
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    void openFile(event.dataTransfer.files[0] ?? null);
  };

  const handOff = (page: 'send' | 'placement') => {
    if (!shown || !qa.data) return;
    const summary = qaSummary(shown, qa.data.checkedAt);
    updateDraft({ html: shown.html, subject: shown.subject ?? '', text: shown.text, qa: { summary, html: shown.html } });
    navigate({ page });
  };

  const error = hasDraft && qa.isError ? qa.error : null;
  const compileErrors = error ? sourceErrors(errorFields(error)) : [];
  const pathError = openPath.isError ? (errorFields(openPath.error).find((f) => f.field === 'path')?.message ?? errorMessage(openPath.error)) : undefined;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Design QA
      </Title>
      <Text size="sm" c="dimmed" maw={780}>
        Check an email before it is sent: how it looks at phone and desktop widths, in dark mode and with images off, what mail
        clients do not support, what screen-reader users miss, and where Gmail clips it. Then send it as a test or a placement run.
      </Text>

      <Paper
        withBorder
        p="md"
        component="section"
        aria-label="Draft"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="qa-draft"
        style={dragging ? { outline: '2px dashed var(--mantine-color-blue-filled)' } : undefined}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            Draft
          </Title>
          <Group gap="sm" align="center">
            {desktop ? (
              <Button variant="light" onClick={() => openDialog.mutate()} loading={openDialog.isPending}>
                Open file…
              </Button>
            ) : (
              <FileButton onChange={(file) => void openFile(file)} accept=".html,.htm,.mjml,.eml,text/html,message/rfc822">
                {(props) => (
                  <Button {...props} variant="light">
                    Open file…
                  </Button>
                )}
              </FileButton>
            )}
            <Text size="sm" c="dimmed">
              or drop an .html, .mjml or .eml file here
            </Text>
            {(draft.source !== '' || draft.path) && (
              <Button variant="subtle" color="gray" onClick={() => setQaDraft(EMPTY_QA_DRAFT)}>
                Clear
              </Button>
            )}
          </Group>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (pathText.trim()) openPath.mutate(pathText.trim());
            }}
          >
            <Group gap="sm" align="flex-start">
              <TextInput
                label="Path on this machine"
                description="The whole path of an .html, .mjml or .eml file: it is watched, and each save refreshes the page."
                placeholder="/home/me/mail/newsletter.mjml"
                value={pathText}
                onChange={(e) => {
                  setPathText(e.currentTarget.value);
                  openPath.reset();
                }}
                error={pathError}
                spellCheck={false}
                autoComplete="off"
                style={{ flex: 1, minWidth: 260 }}
              />
              <Button type="submit" mt={46} loading={openPath.isPending} disabled={pathText.trim() === ''}>
                Open and watch
              </Button>
            </Group>
          </form>
          <Textarea
            label="Or paste the HTML"
            placeholder="<html><body>…"
            value={draft.encoding === 'utf8' ? draft.source : ''}
            onChange={(e) => setQaDraft({ source: e.currentTarget.value, encoding: 'utf8', name: null, path: null, kind: undefined })}
            autosize
            minRows={3}
            maxRows={12}
            spellCheck={false}
            autoComplete="off"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
          />
          {fileNote && (
            <Text size="sm" c="red" role="alert">
              {fileNote}
            </Text>
          )}
          {openDialog.isError && (
            <Alert color="red" title="The file could not be opened" role="alert">
              {errorMessage(openDialog.error)}
            </Alert>
          )}
          <DraftStatus draft={draft} watching={watch.watching} problem={watch.problem} kept={kept} />
        </Stack>
      </Paper>

      {error !== null &&
        (compileErrors.length > 0 ? (
          <SourceErrors text={draftText(settled)} errors={compileErrors} summary={errorMessage(error)} />
        ) : (
          <Alert color="red" title="The draft could not be checked" role="alert">
            {errorMessage(error)}
          </Alert>
        ))}

      {!hasDraft && (
        <Text size="sm" c="dimmed">
          Open or paste a draft to see its preview and checks.
        </Text>
      )}

      {shown && (
        <>
          <Paper withBorder p="md" component="section" aria-label="Preview">
            <Title order={2} size="h4" mb="sm">
              Preview {shown.subject ? <Text span c="dimmed" fw={400}>· {shown.subject}</Text> : null}
            </Title>
            <QaPreview result={shown} draftKey={draftKey(settled)} />
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Checks">
            <Stack gap="md">
              <Group justify="space-between" align="flex-start">
                <Title order={2} size="h4">
                  Checks
                </Title>
                {qa.isFetching && (
                  <Text size="xs" c="dimmed" role="status">
                    Checking again…
                  </Text>
                )}
              </Group>
              <ClientsSetting clients={clients} />
              <QaFindings result={shown} />
            </Stack>
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Links">
            <Title order={2} size="h4" mb="sm">
              Links
            </Title>
            <LinkCheckSection
              onCheck={(allowPrivate) => links.mutate({ allowPrivate, version: qa.data?.version ?? 0 })}
              pending={links.isPending}
              error={links.isError ? links.error : null}
              links={linked?.links ?? null}
            />
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Spam filters">
            <DraftSpamScore request={qaSpamRequest(shown, settled, composer)} changeKey={`${settled.version}-${composer.profile}`} />
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Send it">
            <Stack gap="sm">
              <Title order={2} size="h4">
                Send it
              </Title>
              <Text size="sm" c="dimmed">
                The HTML{shown.kind === 'mjml' ? ' compiled from the MJML' : shown.kind === 'eml' ? ' part of the message' : ''}, its subject and its plain-text part go to the
                composer; the counts and codes of these checks are kept with the send in history.
              </Text>
              <Group gap="sm">
                <Button onClick={() => handOff('send')}>Open in Test send</Button>
                <Button variant="light" onClick={() => handOff('placement')}>
                  Open in Placement run
                </Button>
                <Button variant="default" onClick={() => inline.mutate(shown)} loading={inline.isPending}>
                  {desktop ? 'Save with inlined CSS…' : 'Download with inlined CSS'}
                </Button>
              </Group>
              <Text size="xs" c="dimmed">
                Inlining copies the rules of the &lt;style&gt; blocks into style attributes, for clients that drop &lt;style&gt;; it is written to a new file, never over the draft.
              </Text>
              {inline.data && (
                <Text size="sm" role="status">
                  {inline.data}
                </Text>
              )}
              {inline.isError && (
                <Alert color="red" title="The inlined HTML was not written" role="alert">
                  {errorMessage(inline.error)}
                </Alert>
              )}
            </Stack>
          </Paper>
        </>
      )}
    </Stack>
  );
}
