/** One line of the benchmark table `npm run bench` prints. */
export interface BenchRow {
  name: string;
  runs: number;
  median: number;
  p95: number;
  perSecond: number;
  note: string;
}
