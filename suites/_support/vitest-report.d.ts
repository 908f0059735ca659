export interface ReportCounts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}
export function reportCounts(report: unknown): ReportCounts;
