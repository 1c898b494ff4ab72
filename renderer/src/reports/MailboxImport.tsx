/**
 * Importing the reports mailed to a folder of a saved seed mailbox: only the messages that are new
 * since the last import of that folder, each accepted or refused on its own, optionally moved to
 * another folder once read.
 */
import { Alert, Anchor, Button, Group, Loader, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ImapImportResult } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { ImportProgress, useImportRun } from '../forms/ImportProgress';
import { routeHref } from '../router';
import { CallError } from '../sending/parts';
import { useSeeds } from '../sending/SeedsPage';
import { ImportSummary } from './ImportSummary';
import { count } from './report-words';

/** "3 new messages in DMARC; 3 moved to DMARC/Done." in the app's words. */
export function mailboxWords(result: ImapImportResult): string {
  const m = result.mailbox;
  const news = `${count(m.newMessages)} new ${m.newMessages === 1 ? 'message' : 'messages'} in ${m.folder}${m.since ? ` since ${m.since}` : ''}`;
  const read = m.done === m.newMessages ? '' : `, ${count(m.done)} read`;
  const moved = m.moveTo ? `; ${count(m.moved)} moved to ${m.moveTo}` : '';
  const left = m.remaining > 0 ? ` ${count(m.remaining)} more are left for the next import.` : '';
  return `${news}${read}${moved}.${left}`;
}

export function MailboxImport({ onImported }: { onImported: (result: ImapImportResult) => void }) {
  const client = useClient();
  const queries = useQueryClient();
  const seeds = useSeeds();
  const [seed, setSeed] = useState<string | null>(null);
  const [folder, setFolder] = useState('INBOX');
  const [since, setSince] = useState('');
  const [moveTo, setMoveTo] = useState('');
  const [progress, setProgress] = useState<{ done: number; files: number } | null>(null);
  const { start, end, cancel, cancelling } = useImportRun((input) => client.reports.cancel(input));
  const imported = useMutation({
    mutationFn: async (input: { seed: string; folder: string; since?: string; moveTo?: string }) => {
      const run = start();
      // The line (and its Cancel) shows from the start: connecting and listing take a while too.
      setProgress({ done: 0, files: 0 });
      const off = client.on('reports.progress', (event) => {
        if (event.runId === run.runId) setProgress({ done: event.done, files: event.files });
      });
      try {
        const result = await client.reports['import-imap']({ ...input, runId: run.runId });
        return { ...result, cancelled: run.cancelled && result.stopped !== undefined };
      } finally {
        off();
        setProgress(null);
        end();
      }
    },
    onSuccess: async (result) => {
      await queries.invalidateQueries({ queryKey: ['reports'] });
      onImported(result);
    },
  });

  const names = seeds.data?.seeds.map((s) => s.seed.name) ?? [];
  const chosen = seed ?? (names.length === 1 ? (names[0] as string) : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || folder.trim() === '') return;
    imported.mutate({ seed: chosen, folder: folder.trim(), ...(since ? { since } : {}), ...(moveTo.trim() ? { moveTo: moveTo.trim() } : {}) });
  };
  const result = imported.data;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="mailbox-import-title">
      <Stack gap="sm">
        <Title order={3} size="h5" id="mailbox-import-title">
          From a mailbox
        </Title>
        {seeds.isPending && <Loader size="sm" aria-label="Loading seed mailboxes" />}
        {seeds.isError && <CallError title="Seed mailboxes could not be read" error={seeds.error} />}
        {seeds.data && names.length === 0 && (
          <Text size="sm">
            No seed mailboxes yet. <Anchor href={routeHref({ page: 'seeds' })}>Add the mailbox your reports arrive in</Anchor> on the Seeds page, then import from it here.
          </Text>
        )}
        {names.length > 0 && (
          <form onSubmit={submit}>
            <Stack gap="sm">
              <Text size="sm">Reads the reports mailed to a folder of a seed mailbox. Only messages that arrived since the last import of that folder are read.</Text>
              <Group align="flex-end" wrap="wrap">
                <Select label="Mailbox" data={names} value={chosen} onChange={setSeed} allowDeselect={false} required w={220} />
                <TextInput label="Folder" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} required w={200} />
                <TextInput label="Received since" description="Optional" type="date" value={since} onChange={(e) => setSince(e.currentTarget.value)} w={180} />
                <TextInput label="Move imported messages to" description="Optional; created if missing" value={moveTo} onChange={(e) => setMoveTo(e.currentTarget.value)} w={240} />
              </Group>
              <Group>
                <Button type="submit" loading={imported.isPending} disabled={!chosen || folder.trim() === ''}>
                  Import from the mailbox
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {progress && (
          <ImportProgress
            text={progress.files === 0 ? 'Importing: reading the folder…' : `Importing: ${count(progress.done)} of ${count(progress.files)} messages read.`}
            cancelling={cancelling}
            onCancel={cancel}
          />
        )}
        {imported.isError && (
          <Alert color="red" title="The mailbox could not be read">
            {errorMessage(imported.error)}
          </Alert>
        )}
        {result && (
          <ImportSummary result={result} refusedLabel="Refused messages" unit="messages" {...(result.cancelled ? { stop: { done: result.mailbox.done, total: result.mailbox.newMessages } } : {})}>
            <Text size="sm">{mailboxWords(result)}</Text>
            {result.cancelled && result.mailbox.done < result.mailbox.newMessages && <Text size="sm">The next import from {result.mailbox.folder} reads the messages this one did not.</Text>}
            {result.mailbox.restarted && <Text size="sm">The folder changed on the server since the last import, so every message in it was read again.</Text>}
          </ImportSummary>
        )}
      </Stack>
    </Paper>
  );
}
