/**
 * A mistake in the command line or in the files it names: printed as it is, exit code 2.
 *
 * The one error type every command throws for its input; anything else is an operational error
 * (a resolver that does not answer, a history that cannot be written), also exit 2, with a stack
 * under DELIVERLAB_DEBUG.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
