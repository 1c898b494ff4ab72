/**
 * A report of one or several audits in the format asked for.
 */
import type { AuditResult } from '../audit/types';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { ReportFormat } from './model';

export function renderReport(results: readonly AuditResult[], format: ReportFormat): string {
  switch (format) {
    case 'html':
      return renderHtml(results);
    case 'md':
      return renderMarkdown(results);
    case 'csv':
      return renderCsv(results);
    case 'json':
      return `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`;
  }
}
