/**
 * The typed client, handed down by context so that components never pick a transport themselves.
 */
import { createContext, use } from 'react';
import type { DeliverlabClient } from '../../../electron/api/operations';

export const ClientContext = createContext<DeliverlabClient | null>(null);

export function useClient(): DeliverlabClient {
  const client = use(ClientContext);
  if (!client) throw new Error('useClient() called outside <ClientContext>');
  return client;
}
