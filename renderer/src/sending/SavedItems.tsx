/**
 * The scaffolding the SMTP profiles and seed mailboxes pages share: a list of saved items with
 * Test connection, Edit and Delete (which asks first); the form frame with Save and Cancel; the test report frame.
 *
 * Each page keeps what is its own (its fields, its columns, what its test found); the words here are
 * built from the page's noun so both pages keep the labels their tests and users know.
 */
import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent, type ReactNode } from 'react';
import { DeleteButton } from '../DeleteButton';
import { formatDuration } from '../format';
import { CallError, SecretStoreNotice, useSecretStatus, Warnings } from './parts';
import { secretOutput, type SecretValue } from './SecretField';
import { useFieldCheck } from '../forms/use-field-check';
import { variableProblem, type FieldErrors } from '../forms/validators';

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

type SecretOutput = ReturnType<typeof secretOutput>;
type LoginKind = 'password' | 'oauth2';

/** Why the form's secret cannot be saved as given, or undefined when it can. */
function secretProblem(out: SecretOutput, stored: string | undefined, kind: string): string | undefined {
  if (out.variable !== undefined) return variableProblem(out.variable);
  // An edit may leave the secret empty when one is already in the store: saving keeps it.
  if (!out.secret && stored !== 'stored') return `Enter the ${kind}`;
  return undefined;
}

/** What the secret field asks for, by the kind of login. */
export const secretKindFor = (login: string) => (login === 'oauth2' ? 'OAuth2 access token' : 'password');

/** The auth block for a login: a password or OAuth2 token, from the store or from a variable. */
export function loginAuth(kind: LoginKind, user: string, out: SecretOutput) {
  if (kind === 'oauth2') return out.variable === undefined ? { user, oauth2: true as const } : { user, oauth2TokenEnv: out.variable };
  return { user, ...(out.variable ? { passwordEnv: out.variable } : {}) };
}

/**
 * A saved item's form state, its checks, its save call and its secret.
 *
 * Every field is checked as the user types (see useFieldCheck); Save is refused while a problem
 * remains, and then shows them all. Any change to a field clears the last save's error, so an old
 * refusal never sits next to new input.
 */
export function useItemForm<F extends { secret: SecretValue }, I, R>(options: {
  initial: () => F;
  save: (input: I) => Promise<R>;
  queryKey: string;
  onDone: (saved: R | null) => void;
  /** The problems of each field but the secret, in the words shown beside it. */
  validate: (form: F) => FieldErrors<Extract<keyof F, string>>;
  /** What the secret is ("password"), and where the saved one comes from; null: no secret needed. */
  secret: (form: F) => { kind: string; stored: string | undefined } | null;
}) {
  const queryClient = useQueryClient();
  const storeAvailable = useSecretStatus().data?.available === true;
  const [form, setForm] = useState<F>(options.initial);
  const save = useMutation({
    mutationFn: options.save,
    onSuccess: async (saved: R) => {
      await queryClient.invalidateQueries({ queryKey: [options.queryKey] });
      options.onDone(saved);
    },
  });
  const secret = options.secret(form);
  const check = useFieldCheck<Extract<keyof F, string>>({
    ...options.validate(form),
    ...(secret ? { secret: secretProblem(secretOutput(form.secret, storeAvailable), secret.stored, secret.kind) } : {}),
  });
  const update = (change: (f: F) => F) => {
    setForm(change);
    save.reset();
  };
  const set = <K extends Extract<keyof F, string>>(key: K, value: F[K]) => {
    check.changed(key);
    update((f) => ({ ...f, [key]: value }));
  };
  const setSecret = (value: SecretValue) => update((f) => ({ ...f, secret: value }));
  /** The secret as entered (store or variable), or null when the form has problems (all now shown). */
  const submit = (): SecretOutput | null => (check.submit() ? secretOutput(form.secret, storeAvailable) : null);
  return { form, set, update, save, check, setSecret, submit, secretError: check.error('secret' as Extract<keyof F, string>) };
}

/** The frame of a new-or-edit form: its region, title, the save error, Save and Cancel. */
export function ItemForm({
  noun,
  editing,
  newTitle,
  save,
  onSubmit,
  onCancel,
  children,
}: {
  noun: string;
  editing: string | null;
  newTitle: string;
  save: { isError: boolean; error: unknown; isPending: boolean };
  onSubmit: (event: FormEvent) => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-label={editing !== null ? `Edit ${noun} ${editing}` : `New ${noun}`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {editing !== null ? `Edit ${editing}` : newTitle}
          </Title>
          {children}
          {save.isError && <CallError title={`${capitalize(noun)} not saved`} error={save.error} />}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save {noun}
            </Button>
            <Button variant="subtle" color="gray" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The frame of a "Test connection" report: the region, the verdict badge and how long it took. */
export function TestReport({ name, testId, ok, okLabel, ms, children }: { name: string; testId: string; ok: boolean; okLabel: string; ms: number; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={`Connection test for ${name}`} data-testid={testId}>
      <Stack gap="sm">
        <Group gap="sm">
          <Title order={3} size="h5">
            Test connection: {name}
          </Title>
          {ok ? <Badge color="green">{okLabel}</Badge> : <Badge color="red">failed</Badge>}
          <Text size="sm" c="dimmed">
            {formatDuration(ms)}
          </Text>
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

function ItemRow({ name, noun, cells, onEdit, onTest, testing, remove: removeItem, queryKey }: { name: string; noun: string; cells: ReactNode; onEdit: () => void; onTest: () => void; testing: boolean; remove: (name: string) => Promise<unknown>; queryKey: string }) {
  const queryClient = useQueryClient();
  return (
    <Table.Tr>
      <Table.Td fw={500}>{name}</Table.Td>
      {cells}
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Button size="compact-sm" variant="light" onClick={onTest} loading={testing} aria-label={`Test connection ${name}`}>
            Test
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={onEdit} aria-label={`Edit ${name}`}>
            Edit
          </Button>
          <DeleteButton
            size="compact-sm"
            variant="subtle"
            ariaLabel={`Delete ${name}`}
            item={`${noun} ${name}`}
            consequence={`The ${noun} and the password or token stored for it are deleted for good.`}
            remove={() => removeItem(name)}
            onDeleted={() => queryClient.invalidateQueries({ queryKey: [queryKey] })}
          />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export interface SavedItemsPageProps<T extends { warnings: string[] }, R> {
  /** The page's heading. */
  title: string;
  /** One item, lower case: "profile" gives "New profile", "Profile x saved.", "Edit profile x". */
  noun: string;
  /** Many items, lower case: "Loading profiles", "Profiles could not be read". */
  plural: string;
  intro: ReactNode;
  /** What the secret store notice says is kept ("Passwords"). */
  secrets: string;
  empty: string;
  /** The table's accessible name. */
  tableLabel: string;
  /** Column headings after Name (the actions column is added). */
  columns: string[];
  /** The query key prefix every change invalidates. */
  queryKey: string;
  list: { isPending: boolean; isError: boolean; error: unknown; items: T[] | undefined };
  nameOf: (item: T) => string;
  /** The cells after Name. */
  cells: (item: T) => ReactNode;
  form: (initial: T | null, onDone: (saved: T | null) => void) => ReactNode;
  remove: (name: string) => Promise<unknown>;
  test: (name: string) => Promise<R>;
  report: (name: string, result: R, item: T | undefined) => ReactNode;
}

/** A page of saved items: heading, New, the form, the saved notice, the table and the last test's report. */
export function SavedItemsPage<T extends { warnings: string[] }, R>(props: SavedItemsPageProps<T, R>) {
  const { list, nameOf } = props;
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [saved, setSaved] = useState<T | null>(null);
  const test = useMutation({ mutationFn: props.test });
  const testedName = test.variables;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          {props.title}
        </Title>
        {editing === null && (
          <Button
            onClick={() => {
              setSaved(null);
              setEditing('new');
            }}
          >
            New {props.noun}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" maw={760}>
        {props.intro}
      </Text>
      <SecretStoreNotice what={props.secrets} />
      {editing !== null && (
        <Fragment key={editing === 'new' ? 'new' : nameOf(editing)}>
          {props.form(editing === 'new' ? null : editing, (result) => {
            setEditing(null);
            setSaved(result);
          })}
        </Fragment>
      )}
      {saved && (
        <Stack gap={4}>
          <Text size="sm" role="status">
            {capitalize(props.noun)} {nameOf(saved)} saved.
          </Text>
          <Warnings warnings={saved.warnings} />
        </Stack>
      )}
      {list.isPending && <Loader size="sm" aria-label={`Loading ${props.plural}`} />}
      {list.isError && <CallError title={`${capitalize(props.plural)} could not be read`} error={list.error} />}
      {list.items && list.items.length === 0 && editing === null && <Text c="dimmed">{props.empty}</Text>}
      {list.items && list.items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={props.tableLabel} verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                {props.columns.map((c) => (
                  <Table.Th key={c}>{c}</Table.Th>
                ))}
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((item) => (
                <ItemRow
                  key={nameOf(item)}
                  name={nameOf(item)}
                  noun={props.noun}
                  cells={props.cells(item)}
                  onEdit={() => {
                    setSaved(null);
                    setEditing(item);
                  }}
                  onTest={() => test.mutate(nameOf(item))}
                  testing={test.isPending && testedName === nameOf(item)}
                  remove={props.remove}
                  queryKey={props.queryKey}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {test.isError && testedName && <CallError title={`${testedName} could not be tested`} error={test.error} />}
      {test.data !== undefined && testedName && (
        <Fragment key={`${testedName}-${test.submittedAt}`}>{props.report(testedName, test.data, list.items?.find((i) => nameOf(i) === testedName))}</Fragment>
      )}
    </Stack>
  );
}
