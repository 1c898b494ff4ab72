import {
  Alert,
  Anchor,
  Badge,
  Button,
  FileButton,
  Group,
  List,
  NumberInput,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { AuditOptionsForm } from '../AuditOptionsForm';
import { loadAuditOptions, saveAuditOptions, type AuditOptions } from '../audit-options';
import { ExportReportButton } from '../ExportReportButton';
import type { BatchRow } from '../batch/batch-types';
import { batchCsv, batchCsvName } from '../batch/csv';
import { nextSort, sortRows, type SortKey, type SortState } from '../batch/sort';
import { MAX_BATCH_DOMAINS, PARALLEL_DEFAULT, PARALLEL_MAX, PARALLEL_MIN, type BatchState } from '../batch/use-batch-run';
import { errorMessage, gradeColor } from '../format';
import { useFieldCheck } from '../forms/use-field-check';
import { ipListProblem, selectorListProblem } from '../forms/validators';
import { routeHref } from '../router';
import { parseDomainList, type ListProblem } from '../../../electron/shared/domain-list';
import { downloadFile } from '../download';

/** Larger files are not domain lists; reading them would only freeze the page. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
const PROBLEMS_SHOWN = 20;

function Problems({ problems }: { problems: ListProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="yellow" title={`${problems.length} ${problems.length === 1 ? 'line' : 'lines'} skipped`} data-testid="batch-problems">
      <List size="sm" spacing={2}>
        {problems.slice(0, PROBLEMS_SHOWN).map((p) => (
          <List.Item key={p.line}>
            Line {p.line}: <Text span ff="monospace" size="sm">{p.text.length > 80 ? `${p.text.slice(0, 80)}…` : p.text}</Text> — {p.reason}
          </List.Item>
        ))}
      </List>
      {problems.length > PROBLEMS_SHOWN && (
        <Text size="sm" mt={4}>
          and {problems.length - PROBLEMS_SHOWN} more
        </Text>
      )}
    </Alert>
  );
}

function BatchProgress({ state }: { state: BatchState }) {
  const total = state.rows.length;
  const finished = state.rows.filter((r) => r.state === 'done' || r.state === 'failed').length;
  const failed = state.rows.filter((r) => r.state === 'failed').length;
  const running = state.rows.filter((r) => r.state === 'running').map((r) => r.domain);
  const notRun = state.rows.filter((r) => r.state === 'not-run').length;
  const value = total > 0 ? (finished / total) * 100 : 0;
  const live = state.status === 'running';
  let line: string;
  if (live && state.cancelled) {
    line = `Cancelled: no new audits start. ${running.length === 1 ? 'The audit' : `The ${running.length} audits`} already running will finish.`;
  } else if (live) {
    line = running.length > 0 ? `Auditing ${running.join(', ')}` : 'Starting…';
  } else {
    line = `Batch finished: ${finished - failed} audited${failed > 0 ? `, ${failed} failed` : ''}${notRun > 0 ? `, ${notRun} not run (cancelled)` : ''}.`;
  }
  return (
    <Paper withBorder p="md" role="status" aria-live="polite" data-testid="batch-progress">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{live ? (state.cancelled ? 'Finishing the audits in flight' : 'Running batch') : 'Batch done'}</Text>
          <Text size="sm" c="dimmed" data-testid="batch-count">
            {finished} of {total} done
          </Text>
        </Group>
        <Progress value={live ? Math.max(value, 3) : value} animated={live} striped={live} aria-label="Batch progress" color={state.cancelled ? 'orange' : undefined} />
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {line}
        </Text>
      </Stack>
    </Paper>
  );
}

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'domain', label: 'Domain' },
  { key: 'score', label: 'Score', numeric: true },
  { key: 'grade', label: 'Grade' },
  { key: 'critical', label: 'Critical', numeric: true },
  { key: 'warning', label: 'Warnings', numeric: true },
];

function SortHeader({ column, sort, onSort }: { column: (typeof COLUMNS)[number]; sort: SortState | null; onSort: (key: SortKey) => void }) {
  const active = sort?.key === column.key;
  const arrow = active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕';
  return (
    <Table.Th ta={column.numeric ? 'right' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column.key)} fw={700} fz="sm" title={`Sort by ${column.label.toLowerCase()}`}>
        {column.label}{' '}
        <Text span size="xs" c={active ? undefined : 'dimmed'} aria-hidden>
          {arrow}
        </Text>
      </UnstyledButton>
    </Table.Th>
  );
}

function RowStatus({ row }: { row: BatchRow }) {
  switch (row.state) {
    case 'queued':
      return <Badge color="gray" variant="light">Queued</Badge>;
    case 'running':
      return <Badge color="blue" variant="light">Auditing…</Badge>;
    case 'done':
      return <Badge color="green" variant="light">Done</Badge>;
    case 'not-run':
      return <Badge color="gray" variant="outline">Not run</Badge>;
    case 'failed':
      return (
        <Group gap={6} wrap="nowrap">
          <Badge color="red" variant="light">Failed</Badge>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {row.error}
          </Text>
        </Group>
      );
  }
}

function ResultsTable({ rows }: { rows: BatchRow[] }) {
  const [sort, setSort] = useState<SortState | null>(null);
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const [exportError, setExportError] = useState<string | null>(null);
  const audited = rows.filter((r) => r.state === 'done').length;
  // The stored audits, in the order shown: the portfolio report's sections follow the table.
  const storedIds = sorted.flatMap((r) => (r.state === 'done' && r.result?.id != null ? [r.result.id] : []));

  const exportCsv = () => {
    try {
      downloadFile(batchCsvName(new Date()), batchCsv(sorted), 'text/csv;charset=utf-8');
      setExportError(null);
    } catch (err) {
      setExportError(errorMessage(err));
    }
  };

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          Click a column header to sort; click a domain to open its full audit.
        </Text>
        <Group gap="sm" align="flex-end">
          {storedIds.length > 0 && <ExportReportButton kind="portfolio" ids={storedIds} />}
          <Button variant="light" onClick={exportCsv} disabled={audited === 0} title="Audited domains, in the order shown">
            Export CSV
          </Button>
        </Group>
      </Group>
      {exportError && (
        <Alert color="red" title="The CSV could not be made">
          {exportError}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Batch results" highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={(key) => setSort((s) => nextSort(s, key))} />
              ))}
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((row) => {
              const r = row.result;
              return (
                <Table.Tr key={row.domain} data-state={row.state}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    {r?.id != null ? (
                      <Anchor href={routeHref({ page: 'history-item', id: r.id })} fw={500}>
                        {row.domain}
                      </Anchor>
                    ) : (
                      <Text span inherit fw={500}>
                        {row.domain}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{r?.score ?? '–'}</Table.Td>
                  <Table.Td>
                    {r ? (
                      <Badge color={gradeColor(r.grade)} variant="light">
                        {r.grade}
                      </Badge>
                    ) : (
                      '–'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {r ? (
                      <Text span inherit c={r.critical > 0 ? 'red' : undefined} fw={r.critical > 0 ? 700 : undefined}>
                        {r.critical}
                      </Text>
                    ) : (
                      '–'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{r?.warning ?? '–'}</Table.Td>
                  <Table.Td>
                    <RowStatus row={row} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

export function BatchPage({
  state,
  onRun,
  onCancel,
}: {
  state: BatchState;
  onRun: (domains: string[], options: AuditOptions, parallel: number) => void;
  onCancel: () => void;
}) {
  // Coming back to a batch shows its list again, so it can be edited and run once more.
  const [text, setText] = useState(() => state.rows.map((r) => r.domain).join('\n'));
  // As typed: an emptied box stays empty on screen, and the batch then runs with the default.
  const [parallel, setParallel] = useState<number | string>(PARALLEL_DEFAULT);
  const [options, setOptions] = useState(loadAuditOptions);
  const [importError, setImportError] = useState<string | null>(null);
  const list = useMemo(() => parseDomainList(text, MAX_BATCH_DOMAINS), [text]);
  const running = state.status === 'running';

  const changeOptions = (next: AuditOptions) => {
    setOptions(next);
    saveAuditOptions(next);
  };

  const importFile = async (file: File | null) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setImportError(`${file.name} is ${Math.round(file.size / 1024)} KB; a domain list is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);
      return;
    }
    try {
      setText(await file.text());
      setImportError(null);
    } catch (err) {
      setImportError(`${file.name} could not be read: ${errorMessage(err)}`);
    }
  };

  const check = useFieldCheck({ selectors: selectorListProblem(options.selectors), sendingIps: ipListProblem(options.sendingIps) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!check.submit()) return;
    if (!running && list.domains.length > 0) onRun(list.domains, options, typeof parallel === 'number' ? parallel : PARALLEL_DEFAULT);
  };

  const ready = list.domains.length;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Batch audits
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={880}>
          <Textarea
            label="Domains"
            description="One per line, or CSV with the domain in the first column. Blank lines, # comments and a header row are skipped."
            placeholder={'example.com\nexample.org\n# a comment'}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            autosize
            minRows={6}
            maxRows={16}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Group gap="sm" align="center">
            <FileButton onChange={(file) => void importFile(file)} accept=".txt,.csv,text/plain,text/csv">
              {(props) => (
                <Button variant="default" size="xs" {...props} disabled={running}>
                  Import list
                </Button>
              )}
            </FileButton>
            <Text size="sm" c="dimmed" data-testid="batch-ready">
              {ready === 0 ? 'No domains yet' : `${ready} ${ready === 1 ? 'domain' : 'domains'} ready`}
            </Text>
          </Group>
          {importError && (
            <Alert color="red" title="Import failed" role="alert">
              {importError}
            </Alert>
          )}
          <Problems problems={list.problems} />
          <AuditOptionsForm options={options} onChange={changeOptions} selectorsField={check.field('selectors')} sendingIpsField={check.field('sendingIps')} />
          <Group gap="sm" align="flex-end" wrap="wrap">
            <NumberInput
              label="Parallel audits"
              value={parallel}
              onChange={setParallel}
              min={PARALLEL_MIN}
              max={PARALLEL_MAX}
              clampBehavior="strict"
              allowDecimal={false}
              allowNegative={false}
              w={140}
            />
            <Button type="submit" disabled={running || ready === 0}>
              Run batch
            </Button>
            {running && (
              <Button variant="outline" color="red" onClick={onCancel} disabled={state.cancelled}>
                Cancel
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      {state.status === 'idle' && (
        <Text c="dimmed" size="sm">
          Audits every domain on the list, a few at a time, and stores each one in History. Cancel stops new audits from
          starting; those already running finish.
        </Text>
      )}
      {state.status !== 'idle' && <BatchProgress state={state} />}
      {state.rows.length > 0 && <ResultsTable rows={state.rows} />}
    </Stack>
  );
}
