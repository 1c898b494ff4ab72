/**
 * The message input: a drop zone and file button for .eml files, a paste box, and the options.
 *
 * Files are read as bytes and sent base64, so 8-bit bodies and odd charsets reach the analysis
 * unchanged; pasted text is sent as UTF-8.
 */
import type { FieldCheck } from '../forms/use-field-check';
import { Anchor, Button, Checkbox, Collapse, FileButton, Group, Paper, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type DragEvent } from 'react';
import { bytesToBase64 } from './message-text';

export interface MessageOptions {
  ip: string;
  helo: string;
  mailFrom: string;
  storeRaw: boolean;
  checkLinkDomains: boolean;
  /** Score the message with the spam filters set up in Settings. */
  spam: boolean;
}

export interface MessageSubmission {
  raw: string;
  encoding: 'utf8' | 'base64';
  /** What the user gave, for the page: a file name or "pasted text". */
  source: string;
}

type FieldProps = ReturnType<FieldCheck<string>['field']>;
export type EnvelopeField = 'ip' | 'helo' | 'mailFrom';

export function MessageForm({
  options,
  onOptions,
  onSubmit,
  busy,
  fields,
  mayRun,
}: {
  options: MessageOptions;
  onOptions: (options: MessageOptions) => void;
  onSubmit: (submission: MessageSubmission) => void;
  busy: boolean;
  /** The error and blur handler of each envelope field (the page validates them as typed). */
  fields?: Record<EnvelopeField, FieldProps>;
  /** Asked before each analysis: false when the envelope has problems (they are then shown). */
  mayRun?: () => boolean;
}) {
  const [text, setText] = useState('');
  const [dragging, setDragging] = useState(false);
  const [opened, setEnvelopeOpen] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  // A problem in a folded field must be seen: unfold when one shows.
  const envelopeOpen = opened || Boolean(fields && (fields.ip.error || fields.helo.error || fields.mailFrom.error));

  const submitFile = async (file: File | null) => {
    if (!file || busy) return;
    if (mayRun && !mayRun()) return;
    setReadError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      onSubmit({ raw: bytesToBase64(bytes), encoding: 'base64', source: file.name });
    } catch (err) {
      setReadError(`${file.name} could not be read: ${(err as Error).message}`);
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void submitFile(event.dataTransfer.files.item(0));
  };

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    // Without preventDefault the browser would open the dropped file itself.
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  const set = <K extends keyof MessageOptions>(key: K, value: MessageOptions[K]) => onOptions({ ...options, [key]: value });

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="lg"
        radius="md"
        data-testid="message-drop-zone"
        data-dragging={dragging || undefined}
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: dragging ? 'var(--mantine-color-blue-filled)' : undefined,
          background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
        }}
      >
        <Group justify="space-between" wrap="wrap" gap="sm">
          <div>
            <Text fw={600}>Drop a received message (.eml) here</Text>
            <Text size="sm" c="dimmed">
              Saved from your mail client with &ldquo;Save as&rdquo; or &ldquo;Show original&rdquo;. It is analysed on this
              machine; no link in it is ever opened.
            </Text>
          </div>
          <FileButton onChange={(file) => void submitFile(file)} accept=".eml,message/rfc822,text/plain">
            {(props) => (
              <Button {...props} variant="light" disabled={busy}>
                Open .eml
              </Button>
            )}
          </FileButton>
        </Group>
      </Paper>
      {readError && (
        <Text c="red" size="sm" role="alert">
          {readError}
        </Text>
      )}
      <Textarea
        label="Paste a message or its headers"
        description="Headers alone are enough for SPF, DMARC, the hops and the header checks; DKIM body hashes, the content checks and the preview need the whole message."
        placeholder={'Received: from mail.example.com ...\nFrom: ...\nSubject: ...'}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        autosize
        minRows={6}
        maxRows={16}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
      />
      <Group gap="lg" wrap="wrap">
        <Button onClick={() => (!mayRun || mayRun()) && onSubmit({ raw: text, encoding: 'utf8', source: 'pasted text' })} disabled={busy || text.trim() === ''} loading={busy}>
          Analyse
        </Button>
        <Checkbox
          size="sm"
          label="Keep the raw message in history"
          checked={options.storeRaw}
          onChange={(event) => set('storeRaw', event.currentTarget.checked)}
        />
        <Checkbox
          size="sm"
          label="Check link domains against blocklists"
          title="DNS queries only: no link is ever requested"
          checked={options.checkLinkDomains}
          onChange={(event) => set('checkLinkDomains', event.currentTarget.checked)}
        />
        <Checkbox
          size="sm"
          label="Score with the spam filters"
          title="SpamAssassin and rspamd, as set up in Settings"
          checked={options.spam}
          onChange={(event) => set('spam', event.currentTarget.checked)}
        />
        <Anchor component="button" type="button" size="sm" onClick={() => setEnvelopeOpen((o) => !o)} aria-expanded={envelopeOpen}>
          {envelopeOpen ? 'Hide envelope' : 'Envelope'}
        </Anchor>
      </Group>
      <Collapse expanded={envelopeOpen}>
        <Stack gap={4}>
          <Text size="xs" c="dimmed">
            What the receiving server saw on the SMTP connection. Left empty, it is read from the receiving hop&apos;s Received
            header and the Return-Path.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} maw={900}>
            <TextInput
              label="Connecting IP"
              placeholder="192.0.2.10"
              value={options.ip}
              onChange={(event) => set('ip', event.currentTarget.value)}
              {...fields?.ip}
              spellCheck={false}
              autoComplete="off"
            />
            <TextInput
              label="HELO"
              placeholder="mail.example.com"
              value={options.helo}
              onChange={(event) => set('helo', event.currentTarget.value)}
              {...fields?.helo}
              spellCheck={false}
              autoComplete="off"
            />
            <TextInput
              label="MAIL FROM"
              placeholder="bounces@example.com"
              value={options.mailFrom}
              onChange={(event) => set('mailFrom', event.currentTarget.value)}
              {...fields?.mailFrom}
              spellCheck={false}
              autoComplete="off"
            />
          </SimpleGrid>
        </Stack>
      </Collapse>
    </Stack>
  );
}
