/**
 * SMTP transcript lines as text: the time, the direction, the line.
 */
import type { TranscriptLine } from '../../../electron/api/types';

/** One transcript entry as text; a multi-line reply (EHLO's 250- lines) keeps its lines under the first. */
export function transcriptText(line: TranscriptLine): string {
  const prefix = `${String(Math.round(line.ms)).padStart(6)} ms  ${line.dir}: `;
  return prefix + line.text.replace(/\r?\n$/, '').split(/\r?\n/).join(`\n${' '.repeat(prefix.length)}`);
}
