/**
 * Copies of placement runs analysed where they landed: one analysis per seed of a run, stored with
 * the run and deleted with it.
 */
import type { AnalysedCopy, CopyAnalysis } from '../placement/types';
import { parseStored, type HistoryDb } from './db';
import { HistoryError } from './errors';
import { dkimOverall } from './messages';

/** The line a run's list shows for an analysed copy. */
export function analysedCopyItem(copy: CopyAnalysis): AnalysedCopy {
  const verdicts = copy.recorded.spamVerdicts.map((v) => v.verdict);
  return {
    seed: copy.seed,
    fetchedAt: copy.fetchedAt,
    folder: copy.folder,
    spf: copy.analysis.auth.spf.result,
    dkim: dkimOverall(copy.analysis.auth.dkim),
    dmarc: copy.analysis.auth.dmarc.result,
    critical: copy.analysis.findings.filter((f) => f.severity === 'critical').length,
    warning: copy.analysis.findings.filter((f) => f.severity === 'warning').length,
    receiverVerdict: verdicts.includes('spam') ? 'spam' : verdicts.includes('ham') ? 'ham' : null,
  };
}

/** Stores a copy's analysis with its run, replacing an earlier analysis of the same seed's copy. */
export function saveCopyAnalysis(db: HistoryDb, placementId: number, copy: CopyAnalysis): void {
  db.tx(() => {
    const seed = db.sql('SELECT 1 FROM placement_seeds WHERE placement_id = ? AND seed = ?').get(placementId, copy.seed);
    if (!seed) throw new HistoryError(`Seed "${copy.seed}" is not part of placement run #${placementId}: its copy cannot be stored with it.`);
    const stored: CopyAnalysis = { ...copy, placementId };
    delete stored.historyError;
    db.sql(
      `INSERT INTO placement_copies (placement_id, seed, fetched_at, folder, item_json, result_json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (placement_id, seed) DO UPDATE SET fetched_at = excluded.fetched_at, folder = excluded.folder, item_json = excluded.item_json, result_json = excluded.result_json`,
    ).run(placementId, copy.seed, copy.fetchedAt, copy.folder, JSON.stringify(analysedCopyItem(stored)), JSON.stringify(stored));
  });
}

/** One stored copy analysis, or null. */
export function getCopyAnalysis(db: HistoryDb, placementId: number, seed: string): CopyAnalysis | null {
  const row = db.sql('SELECT result_json FROM placement_copies WHERE placement_id = ? AND seed = ?').get(placementId, seed) as { result_json: string } | undefined;
  return row ? parseStored<CopyAnalysis>(row.result_json, `The analysis of ${seed}'s copy in placement run #${placementId}`) : null;
}

/** The run's analysed copies, in the order of its seeds. */
export function listCopyAnalyses(db: HistoryDb, placementId: number): AnalysedCopy[] {
  const rows = db
    .sql(
      `SELECT c.seed, c.item_json FROM placement_copies c JOIN placement_seeds s ON s.placement_id = c.placement_id AND s.seed = c.seed
       WHERE c.placement_id = ? ORDER BY s.position, c.seed`,
    )
    .all(placementId) as { seed: string; item_json: string }[];
  return rows.map((r) => parseStored<AnalysedCopy>(r.item_json, `The analysis of ${r.seed}'s copy in placement run #${placementId}`));
}
