/**
 * One stored message analysis, with Delete.
 */
import { Alert, Anchor, Group, Loader, Stack, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../client/client-context';
import { DeleteButton } from '../DeleteButton';
import { ExportReportButton } from '../ExportReportButton';
import { errorMessage } from '../format';
import { MessageResultView } from '../received/MessageResultView';
import { navigate, routeHref } from '../router';

export function MessageItemPage({ id }: { id: number }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const analysis = useQuery({
    queryKey: ['message', id],
    queryFn: () => client.message.get({ id }),
    retry: false,
  });

  return (
    <Stack gap="md">
      <Anchor href={routeHref({ page: 'messages' })} size="sm">
        ← Messages
      </Anchor>
      <Title order={1} size="h4">
        Message analysis #{id}
      </Title>
      {analysis.isPending && <Loader size="sm" aria-label="Loading the analysis" />}
      {analysis.isError && (
        <Alert color="red" title="This analysis could not be opened">
          {errorMessage(analysis.error)}
        </Alert>
      )}
      {analysis.data && (
        <MessageResultView
          analysis={analysis.data}
          readiness={{ key: ['message', id], load: () => client.message.readiness({ id }) }}
          actions={
            <Group gap="sm" align="flex-start">
              <ExportReportButton kind="message" id={id} />
              <DeleteButton
                item={`the analysis of “${analysis.data.summary.subject ?? '(no subject)'}”`}
                consequence="The analysis and the stored copy of the message leave history for good."
                remove={() => client.message.delete({ id })}
                onDeleted={async () => {
                  queryClient.removeQueries({ queryKey: ['message', id] });
                  await queryClient.invalidateQueries({ queryKey: ['messages'] });
                  navigate({ page: 'messages' });
                }}
              />
            </Group>
          }
        />
      )}
    </Stack>
  );
}
