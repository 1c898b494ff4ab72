import { Alert, Anchor, Button, Checkbox, Collapse, Group, Paper, Progress, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { loadAuditOptions, saveAuditOptions, type AuditOptions, type SkipArea } from '../audit-options';
import { checkTitle } from '../checks/registry';
import { AuditResultView } from '../result/AuditResultView';
import type { AuditProgressView, AuditRunState } from '../use-audit-run';

function progressText(progress: AuditProgressView): string {
  const titles = progress.running.map((id) => checkTitle(id));
  if (titles.length > 0) {
    const last = titles.pop();
    return `Checking ${titles.length > 0 ? `${titles.join(', ')} and ${last}` : last}…`;
  }
  if (progress.done >= progress.total) return 'Scoring…';
  return 'Starting…';
}

function RunProgress({ domain, progress }: { domain: string; progress: AuditProgressView }) {
  const value = progress.total > 0 ? (progress.done / progress.total) * 100 : 0;
  return (
    <Paper withBorder p="md" role="status" aria-live="polite" data-testid="audit-progress">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>Auditing {domain}</Text>
          <Text size="sm" c="dimmed">
            {progress.done} of {progress.total} checks done
          </Text>
        </Group>
        <Progress value={Math.max(value, 4)} animated striped aria-label="Audit progress" />
        <Text size="sm">{progressText(progress)}</Text>
      </Stack>
    </Paper>
  );
}

const AREAS: { area: SkipArea; label: string; description: string }[] = [
  { area: 'smtp', label: 'SMTP probe', description: 'Connects to each MX on port 25 (often blocked on home and office networks)' },
  { area: 'http', label: 'HTTPS fetches', description: 'Fetches the MTA-STS policy and the BIMI logo and certificate' },
  { area: 'dnsbl', label: 'Blocklists', description: 'Looks the MX addresses and the domain up on DNS blocklists' },
];

/** What the audit includes, and what it adds: extra DKIM selectors and the IPs the domain sends from. */
function OptionsForm({ options, onChange }: { options: AuditOptions; onChange: (options: AuditOptions) => void }) {
  const extras = options.selectors.trim() !== '' || options.sendingIps.trim() !== '';
  const [more, setMore] = useState(extras);
  const toggle = (area: SkipArea, included: boolean) =>
    onChange({ ...options, skip: included ? options.skip.filter((a) => a !== area) : [...options.skip, area] });
  return (
    <Stack gap="xs">
      <Group gap="lg" aria-label="Parts of the audit" role="group">
        {AREAS.map(({ area, label, description }) => (
          <Checkbox
            key={area}
            size="sm"
            label={label}
            title={description}
            checked={!options.skip.includes(area)}
            onChange={(event) => toggle(area, event.currentTarget.checked)}
          />
        ))}
        <Anchor component="button" type="button" size="sm" onClick={() => setMore((m) => !m)} aria-expanded={more}>
          {more ? 'Fewer options' : 'DKIM selectors and sending IPs'}
        </Anchor>
      </Group>
      <Collapse expanded={more}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} maw={720}>
          <TextInput
            label="DKIM selectors"
            description="Tried besides the common names, separated by commas"
            placeholder="s1, mail2026"
            value={options.selectors}
            onChange={(event) => onChange({ ...options, selectors: event.currentTarget.value })}
            spellCheck={false}
            autoComplete="off"
          />
          <TextInput
            label="Sending IPs"
            description="Checked for reverse DNS and blocklists"
            placeholder="192.0.2.10, 2001:db8::10"
            value={options.sendingIps}
            onChange={(event) => onChange({ ...options, sendingIps: event.currentTarget.value })}
            spellCheck={false}
            autoComplete="off"
          />
        </SimpleGrid>
      </Collapse>
    </Stack>
  );
}

export function AuditPage({ state, onRun }: { state: AuditRunState; onRun: (domain: string, options: AuditOptions) => void }) {
  const [domain, setDomain] = useState(state.status === 'idle' ? '' : state.domain);
  const [options, setOptions] = useState(loadAuditOptions);
  const running = state.status === 'running';

  const changeOptions = (next: AuditOptions) => {
    setOptions(next);
    saveAuditOptions(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!running) onRun(domain, options);
  };

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Audit a domain
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group align="flex-end" gap="sm" wrap="nowrap">
            <TextInput
              label="Domain"
              placeholder="example.com"
              value={domain}
              onChange={(event) => setDomain(event.currentTarget.value)}
              autoFocus
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              style={{ flex: 1, maxWidth: 480 }}
            />
            <Button type="submit" disabled={running}>
              Run audit
            </Button>
          </Group>
          <OptionsForm options={options} onChange={changeOptions} />
        </Stack>
      </form>
      {state.status === 'idle' && (
        <Text c="dimmed" size="sm">
          Checks the domain&apos;s mail records (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, BIMI, DNSSEC), its mail servers
          and blocklists, and explains what to fix.
        </Text>
      )}
      {state.status === 'running' && <RunProgress domain={state.domain} progress={state.progress} />}
      {state.status === 'error' && (
        <Alert color="red" title="The audit could not run" role="alert">
          {state.message}
        </Alert>
      )}
      {state.status === 'done' && <AuditResultView result={state.result} />}
    </Stack>
  );
}
