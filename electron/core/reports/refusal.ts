/**
 * The error a report parser throws for input it refuses, carrying the refusal's code.
 */
import type { RefusalCode } from './types';

export class ReportRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReportRefused';
  }
}

/** Text from a report kept within MAX chars: an ellipsis says it was cut. */
export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
