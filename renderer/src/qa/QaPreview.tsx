/**
 * The preview of the draft: side by side at the widths picked, each in its own sandboxed frame that
 * runs nothing; the colour scheme (the email's own dark styles, or a mail app's inversion, labelled
 * as a simulation), images on or off, Gmail's clipping line, and the plain-text part as sent.
 *
 * Remote images of the designer's own draft load only after one click, for that draft alone; the
 * received-message preview keeps its own consent (received/ContentTab.tsx).
 */
import { Alert, Badge, Box, Button, Chip, Code, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useId, useMemo, useState, useSyncExternalStore } from 'react';
import type { QaResult } from '../../../electron/api/types';
import type { Inversion } from './dark-mode';
import { frameDocument, withClipMarker, type ImageMode } from './frame-document';

export const WIDTHS = ['320', '375', '414', '600', '800', 'full'] as const;
export type PreviewWidth = (typeof WIDTHS)[number];

type SchemeChoice = 'light' | 'dark' | 'full' | 'partial';

const SCHEMES: { value: SchemeChoice; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark: the email’s own styles' },
  { value: 'full', label: 'Full inversion (simulation)' },
  { value: 'partial', label: 'Partial inversion (simulation)' },
];

const FRAME_HEIGHT = 600;

/** The view picked, kept while the window lives: coming back to the page keeps it. */
let view: { widths: PreviewWidth[]; scheme: SchemeChoice; imagesOn: boolean } = { widths: ['375', '600', 'full'], scheme: 'light', imagesOn: true };
const viewListeners = new Set<() => void>();
function setView(change: Partial<typeof view>): void {
  view = { ...view, ...change };
  for (const listener of viewListeners) listener();
}
function useView() {
  return useSyncExternalStore(
    (listener) => {
      viewListeners.add(listener);
      return () => viewListeners.delete(listener);
    },
    () => view,
  );
}

/** Drafts whose remote images the designer chose to load, by draft (path, file name or "pasted"): this window only. */
const remoteAllowed = new Set<string>();

const widthLabel = (w: PreviewWidth) => (w === 'full' ? 'Full width' : `${w} px`);

function Frames({ srcdoc, widths }: { srcdoc: string; widths: readonly PreviewWidth[] }) {
  if (widths.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Pick at least one width to see the preview.
      </Text>
    );
  }
  const ordered = WIDTHS.filter((w) => widths.includes(w));
  return (
    <Box style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }} data-testid="qa-frames">
      {ordered.map((w) => (
        <Box component="figure" key={w} m={0} style={w === 'full' ? { flexBasis: '100%' } : { flex: 'none' }}>
          <Text component="figcaption" size="xs" c="dimmed" mb={4}>
            {widthLabel(w)}
          </Text>
          {/* sandbox="": no scripts, no same-origin, no popups, no forms, no top navigation. */}
          <iframe
            title={`Preview at ${widthLabel(w).toLowerCase()}`}
            sandbox=""
            referrerPolicy="no-referrer"
            srcDoc={srcdoc}
            data-testid="qa-frame"
            data-width={w}
            style={{
              display: 'block',
              boxSizing: 'content-box',
              width: w === 'full' ? 'calc(100% - 2px)' : `${w}px`,
              height: FRAME_HEIGHT,
              border: '1px solid var(--mantine-color-default-border)',
              background: '#fff',
            }}
          />
        </Box>
      ))}
    </Box>
  );
}

export function QaPreview({ result, draftKey }: { result: QaResult; draftKey: string }) {
  const { widths, scheme, imagesOn } = useView();
  const widthsLabel = useId();
  const [, bump] = useState(0);
  const remote = remoteAllowed.has(draftKey);
  const images: ImageMode = !imagesOn ? 'off' : remote ? 'remote' : 'embedded';
  const inversion: Inversion | null = scheme === 'full' || scheme === 'partial' ? scheme : null;
  const html = useMemo(() => (result.clip ? withClipMarker(result.html, result.clip.byteOffset) : result.html), [result]);
  const srcdoc = useMemo(() => frameDocument(html, { scheme: scheme === 'dark' ? 'dark' : 'light', inversion, images }), [html, scheme, inversion, images]);
  const remoteImages = result.linkTargets.filter((t) => t.kind === 'image' && /^https?:/i.test(t.url.trim())).length;

  const allow = () => {
    remoteAllowed.add(draftKey);
    bump((n) => n + 1);
  };

  return (
    <Stack gap="sm">
      <Group gap="lg" align="flex-end" wrap="wrap">
        <div>
          <Text size="sm" fw={500} id={widthsLabel} mb={4}>
            Widths
          </Text>
          <Chip.Group multiple value={[...widths]} onChange={(value) => setView({ widths: WIDTHS.filter((w) => value.includes(w)) })}>
            <Group gap={6} role="group" aria-labelledby={widthsLabel}>
              {WIDTHS.map((w) => (
                <Chip key={w} value={w} size="xs">
                  {widthLabel(w)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </div>
        <div>
          <Text size="sm" fw={500} mb={4} component="div">
            Colour scheme
          </Text>
          <SegmentedControl size="xs" aria-label="Colour scheme" value={scheme} onChange={(v) => setView({ scheme: v as SchemeChoice })} data={SCHEMES} />
        </div>
        <div>
          <Text size="sm" fw={500} mb={4} component="div">
            Images
          </Text>
          <SegmentedControl
            size="xs"
            aria-label="Images"
            value={imagesOn ? 'on' : 'off'}
            onChange={(v) => setView({ imagesOn: v === 'on' })}
            data={[
              { value: 'on', label: 'On' },
              { value: 'off', label: 'Off: alt text' },
            ]}
          />
        </div>
      </Group>
      {inversion && (
        <Text size="xs" c="dimmed">
          {inversion === 'full'
            ? 'A simulation of the full inversion the Gmail and Outlook apps apply in dark mode: every colour’s lightness turned over, text and backgrounds alike.'
            : 'A simulation of the partial inversion Outlook.com applies in dark mode: light backgrounds turned dark and dark text light; dark backgrounds and light text kept.'}{' '}
          Each app has its own rules: check the result on a device.
        </Text>
      )}
      {imagesOn && remoteImages > 0 && (
        <Group gap="xs">
          {remote ? (
            <Badge color="orange" variant="light">
              Remote images loaded for this draft
            </Badge>
          ) : (
            <>
              <Text size="xs" c="dimmed">
                {remoteImages === 1 ? '1 remote image is not loaded.' : `${remoteImages} remote images are not loaded.`}
              </Text>
              <Button size="compact-sm" variant="light" color="orange" onClick={allow}>
                Load remote images for this draft
              </Button>
            </>
          )}
        </Group>
      )}
      {result.clip && (
        <Alert color="orange" title="Gmail clips this email" data-testid="clip-note">
          The HTML part is {result.htmlBytes.toLocaleString('en-US')} bytes as sent, over Gmail’s limit of {result.clip.limit.toLocaleString('en-US')}: Gmail shows the start and
          hides the rest behind “[Message clipped]”, unsubscribe link included. The dashed line in the preview marks where, at line {result.clip.line} of the HTML (byte{' '}
          {result.clip.byteOffset.toLocaleString('en-US')}).
        </Alert>
      )}
      <Frames srcdoc={srcdoc} widths={widths} />
      <section aria-label="Plain-text part">
        <Title order={3} size="h5" mb={4}>
          Plain-text part
        </Title>
        <Text size="xs" c="dimmed" mb={4}>
          {result.textGenerated ? 'Generated from the HTML, as a test send writes it when the draft has none.' : 'The message’s own text part, as sent.'}
        </Text>
        <Code block tabIndex={0} aria-label="Plain-text part as sent" data-testid="qa-text" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 360, overflow: 'auto' }}>
          {result.text || '(empty)'}
        </Code>
      </section>
    </Stack>
  );
}
