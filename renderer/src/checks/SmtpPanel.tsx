import { Badge, Code, Group, Paper, Stack, Text } from '@mantine/core';
import type { SmtpHostProbe } from '../../../electron/api/types';
import { formatDate, formatDuration } from '../format';
import { Fact, Facts, None, YesNo } from './parts';
import type { CheckPanelProps } from './types';

function timingsText(timings: SmtpHostProbe['timings']): string {
  const parts: [string, number | undefined][] = [
    ['connect', timings.connectMs],
    ['banner', timings.bannerMs],
    ['EHLO', timings.ehloMs],
    ['TLS', timings.tlsMs],
  ];
  return parts
    .filter((part): part is [string, number] => part[1] !== undefined)
    .map(([label, ms]) => `${label} ${formatDuration(ms)}`)
    .join(' · ');
}

const STAGE_LABEL: Record<NonNullable<SmtpHostProbe['stage']>, string> = {
  address: 'address lookup',
  connect: 'connect',
  banner: 'banner',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  tls: 'TLS handshake',
  'ehlo-tls': 'EHLO after TLS',
};

/** An IPv6 address needs brackets before its port. */
function endpoint(probe: SmtpHostProbe): string {
  return probe.address.includes(':') ? `[${probe.address}]:${probe.port}` : `${probe.address}:${probe.port}`;
}

function HostProbe({ probe }: { probe: SmtpHostProbe }) {
  const certificate = probe.tls?.certificate;
  const timings = timingsText(probe.timings);
  return (
    <Paper withBorder p="sm" data-testid="smtp-host" data-host={probe.host}>
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <Text fw={600}>{probe.host}</Text>
          <Code>{endpoint(probe)}</Code>
          {probe.error && (
            <Badge color="red" variant="light" size="sm" tt="none">
              {probe.stage ? `failed at ${STAGE_LABEL[probe.stage]}` : 'failed'}
            </Badge>
          )}
        </Group>
        {probe.error && (
          <Text size="sm" c="red">
            {probe.error}
          </Text>
        )}
        <Facts>
          {probe.banner !== undefined && (
            <Fact label="Banner">
              <Code style={{ wordBreak: 'break-all' }}>{probe.banner}</Code>
            </Fact>
          )}
          {/* Whether STARTTLS is offered is only known once the server answered. */}
          {(probe.banner !== undefined || probe.starttls) && (
            <Fact label="STARTTLS">
              <YesNo value={probe.starttls} yes="Offered" no="Not offered: mail to this host travels in clear text" />
            </Fact>
          )}
          {probe.tls && (
            <Fact label="TLS">
              {probe.tls.version}, {probe.tls.cipher}
            </Fact>
          )}
          {certificate && (
            <>
              <Fact label="Certificate subject">
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {certificate.subject}
                </Text>
              </Fact>
              <Fact label="Issuer">
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {certificate.issuer}
                </Text>
              </Fact>
              <Fact label="Valid">
                {formatDate(certificate.validFrom)} to {formatDate(certificate.validTo)}
              </Fact>
              <Fact label="Names">
                <Group gap={4}>
                  {certificate.names.length > 0 ? (
                    certificate.names.map((name) => <Code key={name}>{name}</Code>)
                  ) : (
                    <None>none</None>
                  )}
                </Group>
              </Fact>
              <Fact label="Name matches host">
                <YesNo value={certificate.nameMatch} />
              </Fact>
              <Fact label="Chain valid">
                <YesNo value={certificate.chainValid} />
                {certificate.error && (
                  <Text span size="sm" c="red" ml="xs">
                    {certificate.error}
                  </Text>
                )}
              </Fact>
            </>
          )}
          {timings && <Fact label="Timings">{timings}</Fact>}
        </Facts>
      </Stack>
    </Paper>
  );
}

export function SmtpPanel({ data }: CheckPanelProps<'smtp'>) {
  if (data.hosts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No mail server was probed.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      {data.hosts.map((probe) => (
        <HostProbe key={`${probe.host}-${probe.address}-${probe.port}`} probe={probe} />
      ))}
    </Stack>
  );
}
