/**
 * The parts of an audit to include, and the extras to add; shared by the Audit and Batch pages.
 */
import type { FieldCheck } from './forms/use-field-check';
import { Anchor, Checkbox, Collapse, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { AuditOptions, SkipArea } from './audit-options';

const AREAS: { area: SkipArea; label: string; description: string }[] = [
  { area: 'smtp', label: 'SMTP probe', description: 'Connects to each MX on port 25 (often blocked on home and office networks)' },
  { area: 'http', label: 'HTTPS fetches', description: 'Fetches the MTA-STS policy and the BIMI logo and certificate' },
  { area: 'dnsbl', label: 'Blocklists', description: 'Looks the MX addresses and the domain up on DNS blocklists' },
];

/** What the audit includes, and what it adds: extra DKIM selectors and the IPs the domain sends from. */
type FieldProps = ReturnType<FieldCheck<string>['field']>;

export function AuditOptionsForm({
  options,
  onChange,
  selectorsField,
  sendingIpsField,
}: {
  options: AuditOptions;
  onChange: (options: AuditOptions) => void;
  /** The error and blur handler of each extra field (the page validates them as typed). */
  selectorsField?: FieldProps;
  sendingIpsField?: FieldProps;
}) {
  const extras = options.selectors.trim() !== '' || options.sendingIps.trim() !== '';
  const [more, setMore] = useState(extras);
  // A problem in a folded field must be seen: unfold when one shows.
  const hidden = !more && Boolean(selectorsField?.error || sendingIpsField?.error);
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
      <Collapse expanded={more || hidden}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} maw={720}>
          <TextInput
            label="DKIM selectors"
            description="Tried besides the common names, separated by commas"
            placeholder="s1, mail2026"
            value={options.selectors}
            onChange={(event) => onChange({ ...options, selectors: event.currentTarget.value })}
            {...selectorsField}
            spellCheck={false}
            autoComplete="off"
          />
          <TextInput
            label="Sending IPs"
            description="Checked for reverse DNS and blocklists"
            placeholder="192.0.2.10, 2001:db8::10"
            value={options.sendingIps}
            onChange={(event) => onChange({ ...options, sendingIps: event.currentTarget.value })}
            {...sendingIpsField}
            spellCheck={false}
            autoComplete="off"
          />
        </SimpleGrid>
      </Collapse>
    </Stack>
  );
}
