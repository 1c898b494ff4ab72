/**
 * The warm-up planner: a new or cold IP's or domain's volume day by day and per mailbox provider, from
 * a starting volume to a daily target by a template; as a table and a chart, downloaded as CSV or a
 * calendar, and saved with the IP or domain it warms up, whose progress (in all and per provider)
 * shows once sending data is imported.
 */
import { LineChart } from '@mantine/charts';
import { Alert, Anchor, Badge, Button, Group, List, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { WarmupPlanItem } from '../../../electron/api/operations';
import type { WarmupGrowthStep, WarmupPlan, WarmupProgress, WarmupProvider, WarmupStatus, WarmupTemplateInfo, WarmupTemplateName } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { DeleteButton } from '../DeleteButton';
import { downloadFile } from '../download';
import { errorMessage } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { ChartFigure } from '../reports/ChartFigure';

const PROVIDERS: { key: WarmupProvider; label: string; color: string }[] = [
  { key: 'gmail', label: 'Gmail', color: 'red.7' },
  { key: 'microsoft', label: 'Microsoft', color: 'blue.7' },
  { key: 'yahoo', label: 'Yahoo', color: 'violet.7' },
  { key: 'apple', label: 'Apple', color: 'gray.7' },
  { key: 'other', label: 'Other', color: 'teal.7' },
];

export const STATUS_WORDS: Record<WarmupStatus, { label: string; color: string }> = {
  ahead: { label: 'Ahead', color: 'orange' },
  'on-track': { label: 'On track', color: 'teal' },
  behind: { label: 'Behind', color: 'blue' },
};

type Field = 'daily' | 'start' | 'startDate';
const count = (n: number) => n.toLocaleString('en-US');
const today = () => new Date().toISOString().slice(0, 10);

/** A volume as typed: digits, with thousands separated by commas or spaces; null when it is not one. */
export function typedVolume(text: string): number | null {
  const digits = text.trim().replace(/[,\s_](?=\d{3}(\D|$))/g, '');
  return /^\d{1,12}$/.test(digits) ? Number(digits) : null;
}

/** What the form says of each field before asking the api: the api words the rest. */
function localProblems(daily: string, start: string, startDate: string): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  if (daily.trim() === '') out.daily = 'Enter the daily volume the warm-up ends at';
  else if (typedVolume(daily) === null) out.daily = 'The daily target is a whole number of messages a day';
  if (start.trim() === '') out.start = "Enter day 1's volume";
  else if (typedVolume(start) === null) out.start = 'The starting volume is a whole number of messages a day';
  if (startDate.trim() === '') out.startDate = 'Pick the first day of the warm-up';
  return out;
}

const LABEL = Object.fromEntries(PROVIDERS.map((p) => [p.key, p.label])) as Record<WarmupProvider, string>;

/** A growth schedule in words: "×2 on days 2–7, ×1.5 on days 8–14, ×1.25 from day 15". */
export function growthWords(growth: readonly WarmupGrowthStep[]): string {
  return growth
    .map((g, i) => {
      const next = growth[i + 1];
      const days = next ? (next.fromDay - 1 === g.fromDay ? `on day ${g.fromDay}` : `on days ${g.fromDay}–${next.fromDay - 1}`) : `from day ${g.fromDay}`;
      return `×${g.factor} ${days}`;
    })
    .join(', ');
}

function segmentWords(engaged: number | null): string {
  return engaged === null ? 'The whole list' : `Engaged in the last ${engaged} days`;
}

export function WarmupPlanner() {
  const client = useClient();
  const [daily, setDaily] = useState('50000');
  const [start, setStart] = useState('1000');
  const [template, setTemplate] = useState<WarmupTemplateName>('standard');
  const [startDate, setStartDate] = useState(today);
  const templates = useQuery({ queryKey: ['warmup', 'templates'], queryFn: () => client.warmup.templates() });
  const local = localProblems(daily, start, startDate);
  const ready = Object.keys(local).length === 0;
  const input = { daily: typedVolume(daily) ?? 0, start: typedVolume(start) ?? 0, template, startDate };
  const planned = useQuery({
    queryKey: ['warmup', 'plan', input],
    queryFn: () => client.warmup.plan(input),
    enabled: ready,
    retry: false,
    placeholderData: keepPreviousData,
  });
  const server = planned.isError ? apiFieldErrors(planned.error, { fields: { daily: 'daily', start: 'start', startDate: 'startDate' } as Record<string, Field> }) : { fields: {}, rest: [] };
  const problem = (field: Field): string | undefined => local[field] ?? (server.fields as Partial<Record<Field, string>>)[field];
  const plan = ready && !planned.isError ? planned.data?.plan : undefined;
  const chosen = templates.data?.templates.find((t) => t.name === template);

  const download = async (format: 'csv' | 'ics') => {
    const { file } = await client.warmup.plan({ ...input, format });
    if (file) downloadFile(file.name, file.text, format === 'csv' ? 'text/csv;charset=utf-8' : 'text/calendar;charset=utf-8');
  };
  const downloading = useMutation({ mutationFn: download });

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Warm-up planner
      </Title>
      <Text size="sm" c="dimmed" maw={760}>
        A new or cold IP address or domain that jumps in volume gets throttled or blocked. Plan its warm-up: how much to send each day,
        to whom, and at which mailbox providers, from a starting volume to the daily target.
      </Text>
      <Stack gap="sm" maw={760}>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Daily target" description="Messages a day at the end" value={daily} onChange={(e) => setDaily(e.currentTarget.value)} error={problem('daily')} inputMode="numeric" autoComplete="off" />
          <TextInput label="Starting volume" description="Messages on day 1" value={start} onChange={(e) => setStart(e.currentTarget.value)} error={problem('start')} inputMode="numeric" autoComplete="off" />
          <TextInput label="Start date" description="Day 1 of the warm-up" type="date" value={startDate} onChange={(e) => setStartDate(e.currentTarget.value)} error={problem('startDate')} />
        </SimpleGrid>
        <div>
          <Text size="sm" fw={500} mb={4} id="warmup-template">
            Template
          </Text>
          <SegmentedControl
            aria-labelledby="warmup-template"
            value={template}
            onChange={(v) => setTemplate(v as WarmupTemplateName)}
            data={[
              { value: 'standard', label: 'Standard' },
              { value: 'conservative', label: 'Conservative' },
            ]}
          />
          {chosen && (
            <Stack gap={4} mt="xs" data-testid="template-description">
              <Text size="sm">{chosen.description}</Text>
              <TemplateProviders template={chosen} />
              <Text size="xs" c="dimmed">
                Deliverlab&apos;s synthesis of these public warm-up guides:
              </Text>
              {/* Spaced so that each link is a target of its own (WCAG 2.2 §2.5.8). */}
              <List size="xs" spacing="xs">
                {chosen.sources.map((s) => (
                  <List.Item key={s.url}>
                    <Anchor href={s.url} target="_blank" rel="noreferrer noopener" size="xs">
                      {s.publisher}: {s.title} (read {s.retrieved})
                    </Anchor>
                  </List.Item>
                ))}
              </List>
            </Stack>
          )}
        </div>
        {server.rest.length > 0 && <Alert color="red">{server.rest.join(' ')}</Alert>}
      </Stack>
      {plan && <PlanView plan={plan} onDownload={(format) => downloading.mutate(format)} downloadError={downloading.isError ? errorMessage(downloading.error) : null} />}
      {plan && <SavePlan input={input} />}
      <SavedPlans />
    </Stack>
  );
}

/** How the chosen template warms each provider up: its largest first day and its growth. */
function TemplateProviders({ template }: { template: WarmupTemplateInfo }) {
  return (
    <Table withTableBorder aria-label={`The ${template.title.toLowerCase()} template by provider`} data-testid="template-providers">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Provider</Table.Th>
          <Table.Th scope="col">Day 1 at most</Table.Th>
          <Table.Th scope="col">Growth a day</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {template.providers.map((p) => (
          <Table.Tr key={p.provider}>
            <Table.Th scope="row">{p.label}</Table.Th>
            <Table.Td>{count(p.firstDayCap)}</Table.Td>
            <Table.Td>{growthWords(p.growth)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** What the first-day caps did to day 1, in the planner's words; null when nothing was held back. */
function cappedNote(plan: WarmupPlan): string | null {
  const capped = plan.providers.filter((p) => p.capped);
  if (capped.length === 0) return null;
  const names = capped.map((p) => `${LABEL[p.provider]} at ${count(p.firstDayCap)}`);
  const list = names.length < 2 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `Day 1 sends ${count(plan.days[0]?.volume ?? 0)} rather than the ${count(plan.start)} asked for: the template starts ${list} at most.`;
}

function PlanView({ plan, onDownload, downloadError }: { plan: WarmupPlan; onDownload: (format: 'csv' | 'ics') => void; downloadError: string | null }) {
  const target = plan.days[plan.targetDay - 1];
  const note = cappedNote(plan);
  return (
    <Stack gap="md" data-testid="warmup-plan">
      <Title order={2} size="h3">
        Schedule
      </Title>
      <Text data-testid="warmup-summary">
        {count(plan.days[0]?.volume ?? plan.start)} on {plan.startDate}, reaching {count(plan.daily)} a day on day {plan.targetDay} ({target?.date}), held to day {plan.days.length} (
        {plan.days.at(-1)?.date}): {count(plan.days.at(-1)?.cumulative ?? 0)} messages in all.
      </Text>
      {note && (
        <Text size="sm" data-testid="warmup-capped">
          {note}
        </Text>
      )}
      <Table withTableBorder aria-label="Each provider's warm-up" maw={760}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Provider</Table.Th>
            <Table.Th scope="col">Share of the list</Table.Th>
            <Table.Th scope="col">Day 1</Table.Th>
            <Table.Th scope="col">Daily at the end</Table.Th>
            <Table.Th scope="col">Reaches it</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.providers
            .filter((p) => p.share > 0)
            .map((p) => (
              <Table.Tr key={p.provider}>
                <Table.Th scope="row">{LABEL[p.provider]}</Table.Th>
                <Table.Td>{plan.mix[p.provider]} %</Table.Td>
                <Table.Td>
                  {count(p.firstDay)}
                  {p.capped ? ' (its first-day cap)' : ''}
                </Table.Td>
                <Table.Td>{count(p.share)}</Table.Td>
                <Table.Td>
                  Day {p.targetDay} ({plan.days[p.targetDay - 1]?.date})
                </Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      {plan.warnings.map((w) => (
        <Alert key={w.code} color="yellow" title="Starting high">
          {w.message}
        </Alert>
      ))}
      <Group gap="sm">
        <Button variant="light" onClick={() => onDownload('csv')}>
          Download CSV
        </Button>
        <Button variant="light" onClick={() => onDownload('ics')}>
          Download calendar
        </Button>
      </Group>
      {downloadError && <Alert color="red">{downloadError}</Alert>}
      <ChartFigure
        title="Messages a day by provider"
        columns={['Date', ...PROVIDERS.map((p) => p.label), 'Total']}
        rows={plan.days.map((d) => [d.date, ...PROVIDERS.map((p) => count(d.providers[p.key])), count(d.volume)])}
      >
        <LineChart
          h={280}
          data={plan.days.map((d) => ({ date: d.date, ...d.providers }))}
          dataKey="date"
          withLegend
          withDots={false}
          curveType="linear"
          series={PROVIDERS.filter((p) => plan.mix[p.key] > 0).map((p) => ({ name: p.key, label: p.label, color: p.color }))}
        />
      </ChartFigure>
      <Table.ScrollContainer minWidth={900}>
        <Table striped withTableBorder aria-label="Warm-up schedule">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Day</Table.Th>
              <Table.Th scope="col">Date</Table.Th>
              <Table.Th scope="col">Volume</Table.Th>
              {PROVIDERS.map((p) => (
                <Table.Th key={p.key} scope="col">
                  {p.label}
                </Table.Th>
              ))}
              <Table.Th scope="col">Sent so far</Table.Th>
              <Table.Th scope="col">Send to</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.days.map((d) => (
              <Table.Tr key={d.day}>
                <Table.Th scope="row">{d.day}</Table.Th>
                <Table.Td>{d.date}</Table.Td>
                <Table.Td>{count(d.volume)}</Table.Td>
                {PROVIDERS.map((p) => (
                  <Table.Td key={p.key}>{count(d.providers[p.key])}</Table.Td>
                ))}
                <Table.Td>{count(d.cumulative)}</Table.Td>
                <Table.Td title={d.segment.advice}>{segmentWords(d.segment.engagedWithinDays)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

const looksLikeIp = (text: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(text.trim()) || text.includes(':');

function SavePlan({ input }: { input: { daily: number; start: number; template: WarmupTemplateName; startDate: string } }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [problems, setProblems] = useState<{ name?: string; target?: string; rest?: string }>({});
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => client.warmup.save({ ...input, name, ...(looksLikeIp(target) ? { ip: target.trim() } : { domain: target }) }),
    onSuccess: async (item) => {
      setSaved(`Saved “${item.name}” for ${item.target}.`);
      setName('');
      setTarget('');
      await queryClient.invalidateQueries({ queryKey: ['warmup', 'list'] });
    },
    onError: (err) => {
      const mapped = apiFieldErrors(err, { fields: { name: 'name', ip: 'target', domain: 'target' } as Record<string, 'name' | 'target'> });
      setProblems({ ...mapped.fields, ...(mapped.rest.length > 0 ? { rest: mapped.rest.join(' ') } : {}) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const local = { ...(name.trim() === '' ? { name: 'Name the plan' } : {}), ...(target.trim() === '' ? { target: 'Enter the IP address or the domain this plan warms up' } : {}) };
    setProblems(local);
    setSaved(null);
    if (Object.keys(local).length === 0) save.mutate();
  };
  return (
    <Paper withBorder p="md" maw={760}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h3">
            Save this plan
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Plan name" description="Such as the server or the campaign" value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.name} autoComplete="off" />
            <TextInput
              label="IP address or domain"
              description="What this plan warms up"
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value)}
              error={problems.target}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
            />
          </SimpleGrid>
          {problems.rest && <Alert color="red">{problems.rest}</Alert>}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save plan
            </Button>
            {saved && (
              <Text size="sm" role="status">
                {saved}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function SavedPlans() {
  const client = useClient();
  const queryClient = useQueryClient();
  const listed = useQuery({ queryKey: ['warmup', 'list'], queryFn: () => client.warmup.list() });
  return (
    <Stack gap="sm" data-testid="saved-plans">
      <Title order={2} size="h3">
        Saved plans
      </Title>
      {listed.isError && <Alert color="red">{errorMessage(listed.error)}</Alert>}
      {listed.isSuccess && listed.data.items.length === 0 && <Text c="dimmed">No saved plans yet.</Text>}
      {listed.data?.items.map((item) => (
        <SavedPlan key={item.id} item={item} onDeleted={() => queryClient.invalidateQueries({ queryKey: ['warmup', 'list'] })} />
      ))}
    </Stack>
  );
}

function SavedPlan({ item, onDeleted }: { item: WarmupPlanItem; onDeleted: () => unknown }) {
  const client = useClient();
  const progress = useQuery({ queryKey: ['warmup', 'progress', item.id], queryFn: () => client.warmup.progress({ id: item.id }) });
  const p = progress.data?.progress;
  return (
    <Paper withBorder p="sm" data-testid="saved-plan" aria-label={item.name} component="section">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text fw={600}>{item.name}</Text>
          <Text size="sm">
            {item.target} · {item.template === 'standard' ? 'Standard' : 'Conservative'} · {count(item.start)} to {count(item.daily)} a day, {item.startDate} to {item.endDate}
          </Text>
        </Stack>
        <DeleteButton item={`the plan “${item.name}”`} remove={() => client.warmup.delete({ id: item.id })} onDeleted={onDeleted} size="xs" ariaLabel={`Delete the plan ${item.name}`} />
      </Group>
      {progress.isError && <Text size="sm" c="red.8">{errorMessage(progress.error)}</Text>}
      {progress.data && !p && (
        <Text size="sm" c="dimmed" mt="xs">
          No sending data imported yet: its progress shows here once the sending data for {item.target} is imported.
        </Text>
      )}
      {p && (
        <Stack gap={4} mt="xs">
          <Group gap="xs">
            {p.status && <Badge color={STATUS_WORDS[p.status].color}>{STATUS_WORDS[p.status].label}</Badge>}
            <Text size="sm">
              Through {p.through}: {count(p.sent)} sent of {count(p.planned)} planned.
            </Text>
          </Group>
          {p.providers && <ProviderProgress progress={p} planName={item.name} />}
          {p.warnings.map((w) => (
            <Alert key={w.code} color="yellow" title={`Hold the volume before day ${w.day}`}>
              {w.message}
            </Alert>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

/** Each provider's sending so far against its own schedule, when the imported data names providers. */
function ProviderProgress({ progress, planName }: { progress: WarmupProgress; planName: string }) {
  return (
    <>
      <Table withTableBorder aria-label={`${planName} by provider`} maw={640}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Provider</Table.Th>
            <Table.Th scope="col">Planned</Table.Th>
            <Table.Th scope="col">Sent</Table.Th>
            <Table.Th scope="col">Progress</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {progress.providers?.map((x) => (
            <Table.Tr key={x.provider}>
              <Table.Th scope="row">{LABEL[x.provider]}</Table.Th>
              <Table.Td>{count(x.planned)}</Table.Td>
              <Table.Td>{count(x.sent)}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_WORDS[x.status].color}>{STATUS_WORDS[x.status].label}</Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {progress.unknownProvider > 0 && (
        <Text size="sm" c="dimmed">
          {count(progress.unknownProvider)} sent to recipients whose provider is not known count in the total only.
        </Text>
      )}
    </>
  );
}
