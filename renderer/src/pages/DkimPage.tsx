import { Alert, Button, Code, CopyButton, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { DkimKey } from '../../../electron/api/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { apiFieldErrors } from '../forms/api-errors';
import { useFieldCheck } from '../forms/use-field-check';
import { domainProblem, selectorProblem } from '../forms/validators';

type KeyChoice = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ed25519';

const CHOICES: { value: KeyChoice; label: string }[] = [
  { value: 'rsa-2048', label: 'RSA 2048' },
  { value: 'rsa-3072', label: 'RSA 3072' },
  { value: 'rsa-4096', label: 'RSA 4096' },
  { value: 'ed25519', label: 'Ed25519' },
];

function keyInput(choice: KeyChoice): { type: 'rsa' | 'ed25519'; bits?: 2048 | 3072 | 4096 } {
  switch (choice) {
    case 'rsa-2048':
      return { type: 'rsa', bits: 2048 };
    case 'rsa-3072':
      return { type: 'rsa', bits: 3072 };
    case 'rsa-4096':
      return { type: 'rsa', bits: 4096 };
    case 'ed25519':
      return { type: 'ed25519' };
  }
}

function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button
          size="compact-sm"
          variant={copied ? 'filled' : 'light'}
          color={copied ? 'teal' : 'gray'}
          onClick={copy}
          aria-label={copied ? `${label} copied` : `Copy ${label}`}
          data-copied={copied || undefined}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/** A labelled value in monospace with its copy button. */
function Output({ label, value, testId, maxHeight }: { label: string; value: string; testId: string; maxHeight?: number }) {
  return (
    <div>
      <Group justify="space-between" align="center" mb={4} wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <CopyValue value={value} label={label.toLowerCase()} />
      </Group>
      {/* A region that scrolls must take focus, or a keyboard cannot scroll it (WCAG 2 §2.1.1). */}
      <Code block data-testid={testId} tabIndex={maxHeight ? 0 : undefined} aria-label={maxHeight ? label : undefined} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight, overflowY: maxHeight ? 'auto' : undefined }}>
        {value.trimEnd()}
      </Code>
    </div>
  );
}

/**
 * A new DKIM key pair and the TXT record to publish.
 *
 * The private key lives only in this component's state: not in storage, not in history, not in the
 * query cache. Leaving the page drops it, which is why the page says to copy it now.
 */
export function DkimPage() {
  const client = useClient();
  const [domain, setDomain] = useState('');
  const [selector, setSelector] = useState('');
  const [choice, setChoice] = useState<KeyChoice>('rsa-2048');
  const [key, setKey] = useState<DkimKey | null>(null);
  const [pending, setPending] = useState(false);
  const [otherError, setOtherError] = useState<string | null>(null);
  const check = useFieldCheck<'domain' | 'selector'>({ domain: domainProblem(domain), selector: selectorProblem(selector) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || !check.submit()) return;
    setPending(true);
    setOtherError(null);
    setKey(null);
    try {
      setKey(await client.dkim.generate({ domain, selector, ...keyInput(choice) }));
    } catch (err) {
      const mapped = apiFieldErrors(err, { fields: { domain: 'domain', selector: 'selector' }, labels: { type: 'Key type', bits: 'Key type' } });
      check.setServer(mapped.fields);
      if (Object.keys(mapped.fields).length === 0) setOtherError(mapped.rest.length > 0 ? mapped.rest.join(' ') : errorMessage(err));
    } finally {
      setPending(false);
    }
  };


  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        DKIM keys
      </Title>
      <Text size="sm" c="dimmed" maw={760}>
        Makes a new signing key pair and the DNS record that publishes its public half. Sign with the private key on your
        mail server, publish the record, and test before retiring the old selector.
      </Text>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm" maw={760}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Domain"
              description="The domain in the From: address"
              placeholder="example.com"
              value={domain}
              onChange={(event) => {
                setDomain(event.currentTarget.value);
                check.changed('domain');
              }}
              {...check.field('domain')}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
            />
            <TextInput
              label="Selector"
              description="A new name per key, e.g. the year and month"
              placeholder="s202611"
              value={selector}
              onChange={(event) => {
                setSelector(event.currentTarget.value);
                check.changed('selector');
              }}
              {...check.field('selector')}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
            />
          </SimpleGrid>
          <div>
            <Text size="sm" fw={500} mb={4} id="dkim-key-type">
              Key type
            </Text>
            <SegmentedControl aria-labelledby="dkim-key-type" value={choice} onChange={(v) => setChoice(v as KeyChoice)} data={CHOICES} />
            <Text size="xs" c="dimmed" mt={4}>
              RSA 2048 is what every receiver verifies. Ed25519 (RFC 8463) is short and modern, but not every receiver checks
              it yet: publish it beside an RSA key, not instead of one.
            </Text>
          </div>
          <Group>
            <Button type="submit" loading={pending}>
              Generate key
            </Button>
          </Group>
        </Stack>
      </form>
      {otherError && (
        <Alert color="red" title="No key was made" role="alert">
          {otherError}
        </Alert>
      )}
      {key && (
        <Paper withBorder p="md" maw={960} data-testid="dkim-key" component="section" aria-label="Generated key">
          <Stack gap="md">
            <Text fw={700}>
              {key.type === 'ed25519' ? 'Ed25519' : `RSA ${key.bits}-bit`} key for {key.recordName}
            </Text>
            <Output label="Record name" value={key.recordName} testId="dkim-record-name" />
            <Output label="TXT record" value={key.record} testId="dkim-record" />
            <Output label="Zone file line" value={key.zoneLine} testId="dkim-zone-line" />
            {key.note && (
              <Alert color="blue" title="Note">
                {key.note}
              </Alert>
            )}
            <Alert color="orange" title="Private key: shown once" data-testid="dkim-private-warning">
              Deliverlab does not store this key: it is gone when you leave this page. Copy it now, straight to the server
              that signs your mail (OpenDKIM, Postfix, your ESP), and nowhere else: anyone who holds it can sign mail as{' '}
              {key.recordName.split('._domainkey.')[1] ?? 'your domain'}.
            </Alert>
            <Output label="Private key" value={key.privateKeyPem} testId="dkim-private-key" maxHeight={240} />
            <Group>
              <Button variant="subtle" color="gray" onClick={() => setKey(null)}>
                Clear from screen
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
