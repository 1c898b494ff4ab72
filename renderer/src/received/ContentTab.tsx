/**
 * Content findings, the links and images as text, and the safe preview.
 *
 * Nothing here fetches a URL from the message: links are text (never anchors to their target),
 * and the preview frame loads remote images only after the user allows them for this message.
 */
import { Alert, Badge, Button, Code, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { ContentSummary, Finding, MessageAnalysis } from '../../../electron/api/types';
import { FindingList } from '../result/FindingList';
import { formatBytes } from './message-text';
import { previewDocument } from './sanitize';

/**
 * Messages whose remote images the user allowed, by digest: this tab only, never stored.
 *
 * By digest and not history id, so that an unsaved analysis has a key too.
 */
const remoteAllowed = new Set<string>();

const urlStyle = { wordBreak: 'break-all', fontSize: 'var(--mantine-font-size-xs)' } as const;

function Preview({ analysis, content }: { analysis: MessageAnalysis; content: ContentSummary }) {
  const [view, setView] = useState<'html' | 'text'>(content.html ? 'html' : 'text');
  const [remote, setRemote] = useState(() => remoteAllowed.has(analysis.sha256));
  const srcdoc = useMemo(() => (content.html ? previewDocument(content.html, { remoteImages: remote }) : ''), [content.html, remote]);
  const remoteImages = content.images.filter((img) => /^https?:/i.test(img.src.trim())).length;

  const allow = () => {
    remoteAllowed.add(analysis.sha256);
    setRemote(true);
  };

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={view}
          onChange={(v) => setView(v === 'text' ? 'text' : 'html')}
          data={[
            { value: 'html', label: 'HTML', disabled: !content.html },
            { value: 'text', label: 'Text', disabled: !content.text },
          ]}
          aria-label="Preview as"
        />
        {view === 'html' && content.html && (
          <Group gap="xs">
            {remote ? (
              <Badge color="orange" variant="light">
                Remote images shown for this message
              </Badge>
            ) : (
              <>
                <Text size="xs" c="dimmed">
                  {remoteImages > 0
                    ? `${remoteImages} remote ${remoteImages === 1 ? 'image is' : 'images are'} blocked: loading them tells the sender you opened it.`
                    : 'Remote images are blocked.'}
                </Text>
                <Button size="compact-sm" variant="light" color="orange" onClick={allow}>
                  Show remote images for this message
                </Button>
              </>
            )}
          </Group>
        )}
      </Group>
      {view === 'html' && content.html && (
        // sandbox="" : no scripts, no same-origin, no popups, no forms, no top navigation.
        <iframe
          key={remote ? 'remote' : 'blocked'}
          title="Message preview"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={srcdoc}
          data-testid="message-preview"
          style={{
            width: '100%',
            height: 480,
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 'var(--mantine-radius-sm)',
            background: '#fff',
          }}
        />
      )}
      {view === 'text' && (
        <Code block tabIndex={0} aria-label="Plain text" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 480, overflow: 'auto' }} data-testid="message-text">
          {content.text ?? ''}
        </Code>
      )}
      {!content.html && !content.text && (
        <Text size="sm" c="dimmed">
          The message has neither an HTML nor a text part to show.
        </Text>
      )}
    </Stack>
  );
}

function Links({ content }: { content: ContentSummary }) {
  if (content.links.length === 0) return <Text size="sm" c="dimmed">No links.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label="Links" verticalSpacing={4} withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">Text</Table.Th>
            <Table.Th>Address (not opened)</Table.Th>
            <Table.Th w="18%">Domain</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {content.links.map((link, i) => (
            <Table.Tr key={`${link.href}-${i}`}>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{link.text || <Text span c="dimmed" size="sm">(no text)</Text>}</Table.Td>
              <Table.Td style={urlStyle}>{link.href}</Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{link.domain ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Images({ content }: { content: ContentSummary }) {
  if (content.images.length === 0) return <Text size="sm" c="dimmed">No images.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label="Images" verticalSpacing={4} withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Source (not loaded)</Table.Th>
            <Table.Th w="25%">Alt text</Table.Th>
            <Table.Th w="12%">Size</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {content.images.map((img, i) => (
            <Table.Tr key={`${img.src}-${i}`}>
              <Table.Td style={urlStyle}>{img.src.startsWith('data:') ? `${img.src.slice(0, 40)}…` : img.src}</Table.Td>
              <Table.Td>{img.alt ?? <Text span c="red" size="sm">missing</Text>}</Table.Td>
              <Table.Td>{img.width || img.height ? `${img.width ?? '?'}×${img.height ?? '?'}` : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function ContentTab({ analysis, findings }: { analysis: MessageAnalysis; findings: Finding[] }) {
  const content = analysis.content;
  if (!content || analysis.headersOnly) {
    return (
      <Alert color="yellow" title="No body to check">
        Only headers were given: the content checks, the links and images and the preview need the whole message.
      </Alert>
    );
  }
  const parts = [content.textPart ? 'text' : null, content.htmlPart ? `HTML (${formatBytes(content.htmlTransferBytes)} as sent)` : null].filter(Boolean);
  return (
    <Stack gap="lg">
      <section aria-label="Content findings">
        <Title order={3} size="h5" mb={6}>
          Content checks
        </Title>
        <FindingList findings={findings} />
      </section>
      <section aria-label="Preview">
        <Title order={3} size="h5" mb={6}>
          Preview
        </Title>
        <Text size="xs" c="dimmed" mb={6}>
          Parts: {parts.length > 0 ? parts.join(', ') : 'none'}
          {content.attachments.length > 0 && ` · ${content.attachments.length} attachment(s): ${content.attachments.map((a) => `${a.filename ?? 'unnamed'} (${a.contentType}, ${formatBytes(a.size)})`).join(', ')}`}
        </Text>
        <Preview key={analysis.sha256} analysis={analysis} content={content} />
      </section>
      <section aria-label="Links in the message">
        <Title order={3} size="h5" mb={6}>
          Links ({content.links.length})
        </Title>
        <Links content={content} />
      </section>
      <section aria-label="Images in the message">
        <Title order={3} size="h5" mb={6}>
          Images ({content.images.length})
        </Title>
        <Images content={content} />
      </section>
    </Stack>
  );
}
