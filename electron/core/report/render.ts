/**
 * A report of one or several audits in the format asked for.
 */
import type { AuditResult } from '../audit/types';
import { asReport, type AuditReport } from './audit-report';
import type { ReportBrand } from './brand';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { ReportFormat } from './model';

/**
 * `brand` is a checked one (checkBrand). CSV and JSON carry the results only (no branding, client
 * or history): scripts read them as results.
 */
export function renderReport(input: AuditReport | readonly AuditResult[], format: ReportFormat, brand: ReportBrand = {}): string {
  const report = asReport(input);
  const results = report.audits.map((a) => a.result);
  switch (format) {
    case 'html':
      return renderHtml(report, brand);
    case 'md':
      return renderMarkdown(report, brand);
    case 'csv':
      return renderCsv(results);
    case 'json':
      return `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`;
  }
}
