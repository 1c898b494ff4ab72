/**
 * A PDF's page count and text as poppler reads them (pdfinfo, pdftotext from poppler-utils): a
 * real PDF reader, not the bytes Chromium wrote. Missing tools fail the test that needs them.
 */
import { execFileSync } from 'node:child_process';

function poppler(tool: 'pdfinfo' | 'pdftotext', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} is not installed: install poppler-utils (apt-get install poppler-utils).`, { cause: err });
    throw err;
  }
}

export function pdfPages(file: string): number {
  const pages = /^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))?.[1];
  if (!pages) throw new Error(`pdfinfo gave no page count for ${file}`);
  return Number(pages);
}

export function pdfText(file: string): string {
  return poppler('pdftotext', ['-enc', 'UTF-8', file, '-']);
}
