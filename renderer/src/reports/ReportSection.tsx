/**
 * A titled part of the reports page.
 */
import { Alert, Loader, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../format';

/** A titled part of the page: a spinner while its data comes, the error if it fails. */
export function Section<T>({ title, query, children }: { title: string; query: { data?: T; isError: boolean; error: unknown; isPending: boolean }; children: (data: T) => ReactNode }) {
  return (
    <section aria-label={title}>
      <Title order={2} mb="sm">
        {title}
      </Title>
      {query.isPending && <Loader size="sm" aria-label={`Loading ${title.toLowerCase()}`} />}
      {query.isError && (
        <Alert color="red" title={`${title}: could not be read`}>
          {errorMessage(query.error)}
        </Alert>
      )}
      {query.data !== undefined && children(query.data)}
    </section>
  );
}

