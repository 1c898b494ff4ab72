import { Alert, Anchor, Group, Loader, Stack, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../client/client-context';
import { DeleteButton } from '../DeleteButton';
import { ExportReportButton } from '../ExportReportButton';
import { errorMessage, formatDate } from '../format';
import { AuditResultView } from '../result/AuditResultView';
import { navigate, routeHref } from '../router';

export function HistoryItemPage({ id }: { id: number }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const audit = useQuery({
    queryKey: ['history', 'item', id],
    queryFn: () => client.history.get({ id }),
    retry: false,
  });

  return (
    <Stack gap="md">
      <Anchor href={routeHref({ page: 'history' })} size="sm" className="no-print">
        ← Back to history
      </Anchor>
      <Title order={1} size="h3">
        Stored audit #{id}
      </Title>
      {audit.isPending && <Loader size="sm" aria-label="Loading audit" />}
      {audit.isError && (
        <Alert color="red" title="This audit could not be opened">
          {errorMessage(audit.error)}
        </Alert>
      )}
      {audit.data && (
        <AuditResultView
          result={audit.data}
          actions={
            <Group gap="sm" align="flex-start">
              <ExportReportButton kind="audit" id={id} />
              <DeleteButton
                item={`the audit of ${audit.data.domain}`}
                consequence={`The audit of ${formatDate(audit.data.startedAt)} leaves history for good.`}
                remove={() => client.history.delete({ id })}
                onDeleted={async () => {
                  queryClient.removeQueries({ queryKey: ['history', 'item', id] });
                  await queryClient.invalidateQueries({ queryKey: ['history'] });
                  navigate({ page: 'history' });
                }}
              />
            </Group>
          }
        />
      )}
    </Stack>
  );
}
