/**
 * Builds the typed client from one call function and one subscribe function.
 *
 * Type-only imports: the preload bundles this without zod.
 */
import type { DeliverlabClient } from './operations';
import type { EventName, OperationName } from './names';

export function buildClient(
  names: readonly OperationName[],
  call: (name: OperationName, input: unknown) => Promise<unknown>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void,
): DeliverlabClient {
  const client: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of names) {
    const [area, verb] = name.split('.') as [string, string];
    (client[area] ??= {})[verb] = (input?: unknown) => call(name, input ?? {});
  }
  const on = (event: EventName, listener: (payload: unknown) => void) => subscribe(event, listener);
  return Object.assign(client, { on }) as unknown as DeliverlabClient;
}
