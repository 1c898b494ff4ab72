import { Alert, Anchor, Button, Group, Loader, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
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
  const remove = useMutation({
    mutationFn: () => client.history.delete({ id }),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['history', 'item', id] });
      await queryClient.invalidateQueries({ queryKey: ['history'] });
      navigate({ page: 'history' });
    },
  });

  return (
    <Stack gap="md">
      <Anchor href={routeHref({ page: 'history' })} size="sm">
        ← Back to history
      </Anchor>
      {audit.isPending && <Loader size="sm" aria-label="Loading audit" />}
      {audit.isError && (
        <Alert color="red" title="This audit could not be opened">
          {errorMessage(audit.error)}
        </Alert>
      )}
      {remove.isError && (
        <Alert color="red" title="The audit could not be deleted">
          {errorMessage(remove.error)}
        </Alert>
      )}
      {audit.data && (
        <AuditResultView
          result={audit.data}
          actions={
            <Group>
              <Button color="red" variant="light" loading={remove.isPending} onClick={() => remove.mutate()}>
                Delete
              </Button>
            </Group>
          }
        />
      )}
    </Stack>
  );
}
