/**
 * Small pieces the check panels and result views share: labelled facts, yes/no marks, records shown as text.
 */
import { Badge, Code, DataList, Group, Text } from '@mantine/core';
import { createContext, useContext, type ReactNode } from 'react';

/** Whether a Fact sits in a Facts list (a row of it) or stands in a header line of its own. */
const InFacts = createContext(false);

/**
 * A label and its value.
 *
 * In a `Facts` list it is one of the list's rows, its label in the list's label column; anywhere else
 * (a result's header) it is the label and the value on one line.
 */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  if (useContext(InFacts)) {
    return (
      <DataList.Item>
        <DataList.ItemLabel>{label}</DataList.ItemLabel>
        <DataList.ItemValue>{children}</DataList.ItemValue>
      </DataList.Item>
    );
  }
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Group>
  );
}

/** A panel's list of facts: labels in a column of their own, values beside them. */
export function Facts({ children }: { children: ReactNode }) {
  return (
    <DataList labelWidth="11rem" size="sm">
      <InFacts value>{children}</InFacts>
    </DataList>
  );
}

/** A dimmed "nothing here" line. */
export function None({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed" span>
      {children}
    </Text>
  );
}

/** A DNS record or URL, as text that wraps instead of overflowing the panel. */
export function RecordText({ children }: { children: string }) {
  return <Code style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{children}</Code>;
}

/**
 * A yes/no mark. `good` says which answer is the healthy one, so the colour reads at a glance;
 * null is "not known" (the check could not tell).
 */
export function YesNo({
  value,
  good = true,
  yes = 'Yes',
  no = 'No',
  unknown = 'Unknown',
}: {
  value: boolean | null | undefined;
  good?: boolean | null;
  yes?: string;
  no?: string;
  unknown?: string;
}) {
  if (value === null || value === undefined) {
    return (
      <Badge color="gray" variant="light" size="sm" tt="none">
        {unknown}
      </Badge>
    );
  }
  const color = good === null ? 'blue' : value === good ? 'green' : 'red';
  return (
    <Badge color={color} variant="light" size="sm" tt="none">
      {value ? yes : no}
    </Badge>
  );
}

/** Plural-aware count: `count(2, 'lookup')` is "2 lookups". */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
