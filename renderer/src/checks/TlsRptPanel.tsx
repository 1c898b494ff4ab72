import { Stack, Text } from '@mantine/core';
import { Fact, Facts, None, RecordText } from './parts';
import type { CheckPanelProps } from './types';

export function TlsRptPanel({ data }: CheckPanelProps<'tlsrpt'>) {
  return (
    <Facts>
      <Fact label="Record">{data.record ? <RecordText>{data.record}</RecordText> : <None>None found</None>}</Fact>
      {data.record && (
        <Fact label="Reports go to">
          {data.rua.length > 0 ? (
            <Stack gap={2}>
              {data.rua.map((uri) => (
                <RecordText key={uri}>{uri}</RecordText>
              ))}
            </Stack>
          ) : (
            <Text size="sm" c="red">
              No rua destination
            </Text>
          )}
        </Fact>
      )}
    </Facts>
  );
}
