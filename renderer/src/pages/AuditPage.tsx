import { Alert, Button, Group, Paper, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { AuditOptionsForm } from '../AuditOptionsForm';
import { loadAuditOptions, saveAuditOptions, type AuditOptions } from '../audit-options';
import { useFieldCheck } from '../forms/use-field-check';
import { domainProblem, ipListProblem, selectorListProblem } from '../forms/validators';
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

export function AuditPage({ state, onRun }: { state: AuditRunState; onRun: (domain: string, options: AuditOptions) => void }) {
  const [domain, setDomain] = useState(state.status === 'idle' ? '' : state.domain);
  const [options, setOptions] = useState(loadAuditOptions);
  const running = state.status === 'running';
  const check = useFieldCheck({
    domain: domainProblem(domain),
    selectors: selectorListProblem(options.selectors),
    sendingIps: ipListProblem(options.sendingIps),
  });

  const changeOptions = (next: AuditOptions) => {
    setOptions(next);
    saveAuditOptions(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!check.submit()) return;
    if (!running) onRun(domain, options);
  };

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Audit a domain
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group align="flex-start" gap="sm" wrap="nowrap">
            <TextInput
              label="Domain"
              placeholder="example.com"
              value={domain}
              onChange={(event) => setDomain(event.currentTarget.value)}
              {...check.field('domain')}
              autoFocus
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              style={{ flex: 1, maxWidth: 480 }}
            />
            <Button type="submit" disabled={running} mt={25}>
              Run audit
            </Button>
          </Group>
          <AuditOptionsForm options={options} onChange={changeOptions} selectorsField={check.field('selectors')} sendingIpsField={check.field('sendingIps')} />
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
