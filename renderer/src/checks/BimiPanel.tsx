import { Badge, List, Stack, Text } from '@mantine/core';
import { FETCH_SKIPPED } from '../app-words';
import { Fact, Facts, None, RecordText, YesNo } from './parts';
import type { CheckPanelProps } from './types';

function Errors({ errors }: { errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <List size="sm" c="red" mt={4}>
      {errors.map((error, index) => (
        <List.Item key={index}>{error}</List.Item>
      ))}
    </List>
  );
}

/**
 * The BIMI record and what the audit found behind it.
 *
 * The logo and certificate URLs are shown as text only: the renderer never loads a remote image or
 * fetches a URL the audited domain chose (the CSP forbids it too); core fetched and checked them.
 */
export function BimiPanel({ data }: CheckPanelProps<'bimi'>) {
  return (
    <Facts>
      <Fact label="Record">{data.record ? <RecordText>{data.record}</RecordText> : <None>None found</None>}</Fact>
      {data.record && data.recordDomain && (
        <Fact label="Published at">
          <RecordText>{`default._bimi.${data.recordDomain}`}</RecordText>
        </Fact>
      )}
      {data.record && data.fetchSkipped && (
        <Fact label="Logo and certificate">
          <None>Not fetched: {FETCH_SKIPPED}</None>
        </Fact>
      )}
      {data.record && (
        <>
          <Fact label="Logo (l=)">
            {data.logoUrl ? <RecordText>{data.logoUrl}</RecordText> : <None>No logo URL</None>}
          </Fact>
          {data.svg && (
            <Fact label="Logo check">
              <Stack gap={0}>
                <span>
                  <YesNo value={data.svg.valid} yes="valid SVG Tiny PS" no="not valid" />{' '}
                  {data.svg.bytes > 0 && (
                    <Text span size="sm">
                      {data.svg.bytes} bytes
                    </Text>
                  )}
                </span>
                <Errors errors={data.svg.errors} />
              </Stack>
            </Fact>
          )}
          <Fact label="Certificate (a=)">
            {data.authorityUrl ? <RecordText>{data.authorityUrl}</RecordText> : <None>No certificate URL</None>}
          </Fact>
          {data.certificate && (
            <Fact label="Certificate check">
              <Stack gap={0}>
                <span>
                  <YesNo value={data.certificate.valid} yes="valid" no="not valid" />{' '}
                  {data.certificate.type && (
                    <Badge variant="outline" size="sm" color="gray">
                      {data.certificate.type}
                    </Badge>
                  )}
                </span>
                {data.certificate.subject && (
                  <Text size="sm" style={{ wordBreak: 'break-all' }}>
                    {data.certificate.subject}
                  </Text>
                )}
                <Errors errors={data.certificate.errors} />
              </Stack>
            </Fact>
          )}
        </>
      )}
      <Fact label="DMARC enforced">
        <YesNo value={data.dmarcEnforced} yes="Yes" no="No: BIMI needs p=quarantine or p=reject" />
      </Fact>
    </Facts>
  );
}
