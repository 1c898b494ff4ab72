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
 * or history), and the sending health when the report has it: scripts read them as results.
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
      return renderCsv(
        results,
        report.audits.map((a) => a.health?.findings),
        report.audits.map((a) => a.dmarcReports),
      );
    case 'json': {
      // A domain with sending data carries its health section beside the result's own fields.
      const out = report.audits.map((a) => (a.health || a.dmarcReports ? { ...a.result, ...(a.health ? { health: a.health } : {}), ...(a.dmarcReports ? { dmarcReports: a.dmarcReports } : {}) } : a.result));
      return `${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`;
    }
  }
}
