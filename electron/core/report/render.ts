/**
 * A report of one or several audits in the format asked for.
 */
import type { AuditResult } from '../audit/types';
import type { ReportBrand } from './brand';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { ReportFormat } from './model';

/** `brand` is a checked one (checkBrand): CSV and JSON carry data only, so no branding. */
export function renderReport(results: readonly AuditResult[], format: ReportFormat, brand: ReportBrand = {}): string {
  switch (format) {
    case 'html':
      return renderHtml(results, brand);
    case 'md':
      return renderMarkdown(results, brand);
    case 'csv':
      return renderCsv(results);
    case 'json':
      return `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`;
  }
}
