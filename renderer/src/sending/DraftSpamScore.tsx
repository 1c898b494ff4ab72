/**
 * A draft scored by the spam filters before it is sent: the message exactly as the test send would
 * submit it (composed with the profile's From, its Date and Message-ID, and the DKIM signature), or a
 * message file as it is; and the readiness of those same bytes, as the received message's tab shows it.
 */
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { OpInput } from '../../../electron/api/operations';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { ReadinessTab } from '../received/ReadinessTab';
import { SpamVerdicts } from '../received/SpamFilters';
import { formatBytes } from '../received/message-text';

export type DraftSpamRequest = OpInput<'spam.draft'>;

export function DraftSpamScore({ request, changeKey }: { request: DraftSpamRequest | { problem: string }; changeKey: string | number }) {
  const client = useClient();
  const score = useMutation({ mutationFn: (input: DraftSpamRequest) => client.spam.draft({ ...input, readiness: true }) });
  // A verdict belongs to the draft it was given: an edit clears it.
  const { reset } = score;
  useEffect(() => reset(), [changeKey, reset]);
  const problem = 'problem' in request ? request.problem : null;
  return (
    <Stack gap="sm" data-testid="draft-spam">
      <Title order={2} size="h4">
        Spam filters
      </Title>
      <Text size="sm" c="dimmed">
        SpamAssassin and rspamd, as set up in Settings, score the message exactly as it would be sent, its DKIM signature included. The readiness summary weighs their verdicts with the
        authentication the draft can show, the blocklists of its link domains, its content and headers, and the providers&rsquo; bulk-sender rules.
      </Text>
      <Group>
        <Button variant="light" onClick={() => !problem && score.mutate(request as DraftSpamRequest)} loading={score.isPending} disabled={problem !== null}>
          Score with the spam filters
        </Button>
      </Group>
      {problem && (
        <Text size="sm" c="dimmed">
          {problem}
        </Text>
      )}
      {score.isError && (
        <Alert color="red" title="The draft could not be scored" role="alert">
          {errorMessage(score.error)}
        </Alert>
      )}
      {score.data && (
        <>
          <Text size="sm" role="status">
            Scored as sent: {formatBytes(score.data.bytes)}
            {score.data.dkim ? `, signed with DKIM for ${score.data.dkim.domain} (selector ${score.data.dkim.selector})` : ', without a DKIM signature'}.
          </Text>
          <SpamVerdicts results={score.data.spam} />
          {score.data.readinessError ? (
            <Alert color="orange" title="The readiness summary could not be made">
              {score.data.readinessError}
            </Alert>
          ) : (
            score.data.readiness && <ReadinessTab readiness={score.data.readiness} />
          )}
        </>
      )}
    </Stack>
  );
}
