/**
 * One stored message analysis, with Delete.
 */
import { Alert, Anchor, Button, Loader, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { MessageResultView } from '../messages/MessageResultView';
import { navigate, routeHref } from '../router';

export function MessageItemPage({ id }: { id: number }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const analysis = useQuery({
    queryKey: ['message', id],
    queryFn: () => client.message.get({ id }),
    retry: false,
  });
  const remove = useMutation({
    mutationFn: () => client.message.delete({ id }),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['message', id] });
      await queryClient.invalidateQueries({ queryKey: ['messages'] });
      navigate({ page: 'messages' });
    },
  });

  return (
    <Stack gap="md">
      <Anchor href={routeHref({ page: 'messages' })} size="sm">
        ← Messages
      </Anchor>
      {analysis.isPending && <Loader size="sm" aria-label="Loading the analysis" />}
      {analysis.isError && (
        <Alert color="red" title="This analysis could not be opened">
          {errorMessage(analysis.error)}
        </Alert>
      )}
      {remove.isError && (
        <Alert color="red" title="The analysis could not be deleted">
          {errorMessage(remove.error)}
        </Alert>
      )}
      {analysis.data && (
        <MessageResultView
          analysis={analysis.data}
          actions={
            <Button color="red" variant="light" loading={remove.isPending} onClick={() => remove.mutate()} style={{ flexShrink: 0 }}>
              Delete
            </Button>
          }
        />
      )}
    </Stack>
  );
}
