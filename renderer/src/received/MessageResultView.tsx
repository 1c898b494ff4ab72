/**
 * One message analysis: the verdict strip, the envelope, then a tab per part of the analysis.
 */
import { envelopeExplanation, messageRequirementWhy, spfCheckedDomain } from '../app-words';
import { Alert, Badge, Group, List, Paper, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { MessageAnalysis } from '../../../electron/api/types';
import { ScorecardGrid } from '../checks/ProvidersPanel';
import { formatDate, formatDuration } from '../format';
import { AuthenticationTab } from './AuthenticationTab';
import { ContentTab } from './ContentTab';
import { HeadersTab } from './HeadersTab';
import { HopsTab } from './HopsTab';
import { ReadinessTab, type ReadinessSource } from './ReadinessTab';
import { SpamFiltersTab } from './SpamFilters';
import { dkimVerdict, formatBytes, resultColor } from './message-text';

/** What a headers-only input cannot show, when the analysis gives no notes of its own. */
const HEADERS_ONLY_LIMITS = [
  'DKIM body hashes cannot be verified: a signature can only be checked against its headers.',
  'The content checks (links, images, unsubscribe link, postal address, Gmail clipping) need the body.',
  'There is no preview and no text view.',
];

function Verdict({ label, result, detail }: { label: string; result: string; detail?: string }) {
  const badge = (
    <Badge color={resultColor(result)} variant="light" size="lg" tt="none" data-testid={`verdict-${label.toLowerCase()}`} data-result={result}>
      {label} {result}
    </Badge>
  );
  return detail ? (
    <Tooltip label={detail} withArrow>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

function VerdictStrip({ analysis }: { analysis: MessageAnalysis }) {
  const { auth } = analysis;
  const dkim = dkimVerdict(auth.dkim);
  const spfDomain = spfCheckedDomain(analysis);
  return (
    <Group gap="xs" role="group" aria-label="Verdict" data-testid="verdict-strip">
      <Verdict label="SPF" result={auth.spf.result} detail={'domain' in spfDomain ? `for ${spfDomain.domain}` : undefined} />
      <Verdict label="DKIM" result={dkim.result} detail={dkim.detail} />
      <Verdict
        label="DMARC"
        result={auth.dmarc.result}
        detail={auth.dmarc.policy ? `policy ${auth.dmarc.policy}${auth.dmarc.domain ? ` for ${auth.dmarc.domain}` : ''}` : undefined}
      />
      <Verdict label="ARC" result={auth.arc.result} detail={auth.arc.instances > 0 ? `${auth.arc.instances} instance(s)` : undefined} />
      <Verdict label="BIMI" result={auth.bimi?.result ?? 'none'} detail={auth.bimi?.comment} />
    </Group>
  );
}

function Envelope({ analysis }: { analysis: MessageAnalysis }) {
  const { envelope } = analysis;
  const parts = [
    envelope.ip ? `IP ${envelope.ip}` : null,
    envelope.helo ? `HELO ${envelope.helo}` : null,
    envelope.mailFrom !== null ? `MAIL FROM <${envelope.mailFrom}>` : null,
  ].filter((p): p is string => p !== null);
  return (
    <Text size="sm" data-testid="message-envelope">
      <Text span fw={600}>
        Envelope{envelope.source === 'given' ? ' (given)' : envelope.source === 'received' ? ' (from the trusted hop)' : ''}:{' '}
      </Text>
      {parts.length > 0 ? parts.join(' · ') : 'unknown'}
      {envelope.explanation && (
        <Text span c="dimmed">
          {' '}
          — {envelopeExplanation(analysis)}
        </Text>
      )}
    </Text>
  );
}

function Counted({ label, n }: { label: string; n: number }): ReactNode {
  return n > 0 ? (
    <>
      {label}{' '}
      <Badge size="xs" variant="light" color="gray" ml={4}>
        {n}
      </Badge>
    </>
  ) : (
    label
  );
}

/**
 * `readiness`: where the readiness summary comes from when the analysis does not carry one (a stored
 * analysis or placement copy asks for it when its tab opens).
 */
export function MessageResultView({ analysis, actions, readiness }: { analysis: MessageAnalysis; actions?: ReactNode; readiness?: ReadinessSource }) {
  const s = analysis.summary;
  const critical = analysis.findings.filter((f) => f.severity === 'critical').length;
  const warning = analysis.findings.filter((f) => f.severity === 'warning').length;
  const of = (check: string) => analysis.findings.filter((f) => f.check === check);
  const notes = analysis.inputNotes && analysis.inputNotes.length > 0 ? analysis.inputNotes : HEADERS_ONLY_LIMITS;
  const [tab, setTab] = useState<string | null>('auth');
  const spamFlagged = (analysis.spam ?? []).filter((r) => r.verdict !== 'ham').length;
  // A spam rule's related finding lives in the tab of its area.
  const showFinding = (finding: { check: string }) => setTab(finding.check === 'header' ? 'headers' : finding.check === 'content' ? 'content' : 'auth');
  return (
    <Stack gap="md" data-testid="message-result">
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Title order={2} size="h3" style={{ overflowWrap: 'anywhere' }}>
                {s.subject ?? '(no subject)'}
              </Title>
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                From {s.from ?? 'unknown'}
                {s.date ? ` · sent ${formatDate(s.date)}` : ''} · {formatBytes(analysis.size)} · analysed {formatDate(analysis.analysedAt)} in{' '}
                {formatDuration(analysis.durationMs)}
              </Text>
            </div>
            {actions}
          </Group>
          <VerdictStrip analysis={analysis} />
          <Envelope analysis={analysis} />
          <Text size="sm" c={critical > 0 ? 'red' : 'dimmed'}>
            {critical} critical · {warning} {warning === 1 ? 'warning' : 'warnings'}
          </Text>
        </Stack>
      </Paper>
      {analysis.headersOnly && (
        <Alert color="yellow" title="Only headers were given" data-testid="headers-only">
          <Text size="sm">Authentication, hops and header checks ran on the headers. What cannot be checked without the body:</Text>
          <List size="sm" mt={4}>
            {notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {!analysis.headersOnly && analysis.inputNotes && analysis.inputNotes.length > 0 && (
        <Alert color="yellow" title="About this input">
          <List size="sm">
            {analysis.inputNotes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {analysis.historyError && (
        <Alert color="orange" title="Not saved in history">
          {analysis.historyError}
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="auth">
            <Counted label="Authentication" n={of('auth').length} />
          </Tabs.Tab>
          <Tabs.Tab value="headers">
            <Counted label="Headers" n={of('header').length} />
          </Tabs.Tab>
          <Tabs.Tab value="content">
            <Counted label="Content" n={of('content').length} />
          </Tabs.Tab>
          <Tabs.Tab value="hops">Hops</Tabs.Tab>
          <Tabs.Tab value="providers">Provider rules</Tabs.Tab>
          <Tabs.Tab value="spam">
            <Counted label="Spam filters" n={spamFlagged} />
          </Tabs.Tab>
          <Tabs.Tab value="readiness">Readiness</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="auth" pt="md">
          <AuthenticationTab analysis={analysis} findings={of('auth')} />
        </Tabs.Panel>
        <Tabs.Panel value="headers" pt="md">
          <HeadersTab analysis={analysis} findings={of('header')} />
        </Tabs.Panel>
        <Tabs.Panel value="content" pt="md">
          <ContentTab analysis={analysis} findings={of('content')} />
        </Tabs.Panel>
        <Tabs.Panel value="hops" pt="md">
          <HopsTab analysis={analysis} />
        </Tabs.Panel>
        <Tabs.Panel value="providers" pt="md">
          <ScorecardGrid scorecards={analysis.providers} unseenFrom="the message" why={(item) => messageRequirementWhy(item, analysis)} />
        </Tabs.Panel>
        <Tabs.Panel value="spam" pt="md">
          <SpamFiltersTab results={analysis.spam} findings={analysis.findings} onShowFinding={showFinding} />
        </Tabs.Panel>
        <Tabs.Panel value="readiness" pt="md">
          <ReadinessTab readiness={analysis.readiness} source={readiness} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
