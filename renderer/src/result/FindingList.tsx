import { Anchor, Button, Code, CopyButton, Group, Paper, Stack, Text } from '@mantine/core';
import type { Finding, QaFinding } from '../../../electron/api/types';
import { zoneLines } from '../../../electron/shared/fix-record';
import { findingFix } from '../app-words';
import { SEVERITY_COLOR } from '../format';
import { SeverityBadge } from './SeverityBadge';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function Reference({ text }: { text: string }) {
  if (/^https?:\/\//i.test(text)) {
    return (
      <Anchor href={text} target="_blank" rel="noreferrer noopener" size="sm">
        {text}
      </Anchor>
    );
  }
  return <Text size="sm">{text}</Text>;
}

/** "Line 12", "Lines 12, 40 and 80": where in the HTML a design QA finding is. */
export function sourceLines(finding: QaFinding): string | null {
  const lines = finding.lines ?? (finding.line !== undefined ? [finding.line] : []);
  if (lines.length === 0) return null;
  if (lines.length === 1) return `Line ${lines[0]}`;
  if (lines.length > 10) return `Lines ${lines.slice(0, 10).join(', ')} and ${lines.length - 10} more`;
  return `Lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

function FindingItem({ finding, domain }: { finding: QaFinding; domain: string }) {
  const lines = sourceLines(finding);
  const fix = findingFix(finding, domain);
  // The record itself when the fix is one: pasted into a DNS console or zone file, it needs no retyping.
  const record = finding.fixRecords && finding.fixRecords.length > 0 ? zoneLines(finding.fixRecords) : null;
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      data-testid="finding"
      data-code={finding.code}
      style={{ borderLeft: `4px solid var(--mantine-color-${SEVERITY_COLOR[finding.severity]}-filled)` }}
    >
      <Stack gap={6}>
        <Group gap="sm" wrap="wrap">
          <SeverityBadge severity={finding.severity} />
          <Text fw={600}>{finding.title}</Text>
          <Code>{finding.code}</Code>
          {lines && (
            <Text size="sm" c="dimmed" data-testid="finding-lines">
              {lines}
            </Text>
          )}
        </Group>
        <Text size="sm">{finding.detail}</Text>
        {fix && (
          <Group gap="sm" align="flex-start" wrap="nowrap">
            <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
              {/* pre-line: some fixes are a file to publish, line by line (an MTA-STS policy). */}
              <Text size="sm" style={{ whiteSpace: 'pre-line' }} data-testid="finding-fix">
                <Text span fw={600}>
                  How to fix:{' '}
                </Text>
                {fix}
              </Text>
              {record && (
                <Code block data-testid="finding-fix-record" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {record}
                </Code>
              )}
            </Stack>
            <CopyButton value={record ?? fix} timeout={2000}>
              {({ copied, copy }) => (
                <Button
                  size="compact-xs"
                  variant={copied ? 'filled' : 'light'}
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  aria-label={copied ? 'Fix copied' : 'Copy fix'}
                  data-copied={copied || undefined}
                >
                  {copied ? 'Copied' : 'Copy fix'}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
        {finding.evidence && (
          <div>
            <Text size="xs" c="dimmed">
              Evidence
            </Text>
            <Code block>{finding.evidence}</Code>
          </div>
        )}
        {finding.refs && finding.refs.length > 0 && (
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              References:
            </Text>
            {finding.refs.map((ref) => (
              <Reference key={ref} text={ref} />
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** Findings, worst first. */
/** `domain`: the audited domain, for fixes the app words itself (app-words.ts); absent for a message. A design QA finding shows its source lines. */
export function FindingList({ findings, domain = '' }: { findings: readonly (Finding | QaFinding)[]; domain?: string }) {
  if (findings.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No findings.
      </Text>
    );
  }
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return (
    <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Findings">
      {sorted.map((finding, index) => (
        <FindingItem key={`${finding.code}-${index}`} finding={finding} domain={domain} />
      ))}
    </Stack>
  );
}
