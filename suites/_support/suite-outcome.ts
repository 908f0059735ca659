/**
 * What a run of the server suite comes to: the exit code of `pmm-auth-suite` (suite-cli.ts) from
 * vitest's and the counts of the JSON report vitest wrote, and where that report is.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportCounts } from './vitest-report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** vitest.config.ts's `outputFile.json`. */
const DEFAULT_JSON_REPORT = 'reports/results.json';

/** Counts of vitest's JSON report. */
export interface RunCounts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
}

/**
 * The exit code of the suite from vitest's (`code`; null when it was killed) and the report's
 * counts (undefined when no fresh report was found: vitest's code stands), with a line to print.
 */
export function suiteOutcome(code: number | null, counts: RunCounts | undefined): { code: number; line?: string } {
  if (code === null) return { code: 2, line: 'vitest was killed before it finished' };
  if (code === 0 && counts && counts.passed + counts.failed === 0)
    return {
      code: 2,
      line:
        counts.total === 0
          ? 'no case ran: vitest selected none'
          : `no case ran: all ${counts.total} selected cases were skipped (their reasons are in the report); nothing was tested`,
    };
  if (code === 1 && counts && counts.total === 0)
    return { code: 2, line: 'the suite did not run (see the error above): nothing was tested' };
  if (code === 0 || code === 1 || code === 130 || code === 143) return { code };
  return { code: 2, line: `vitest exited with ${code}` };
}

/** Where vitest writes its JSON report with these arguments (`--outputFile.json`, else `--outputFile`, else the config's). */
export function jsonReportOf(args: readonly string[]): string {
  const valueOf = (flag: string): string | undefined => {
    let value: string | undefined;
    args.forEach((arg, i) => {
      if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
      else if (arg === flag && args[i + 1] !== undefined) value = args[i + 1];
    });
    return value;
  };
  const file = valueOf('--outputFile.json') ?? valueOf('--outputFile') ?? DEFAULT_JSON_REPORT;
  return isAbsolute(file) ? file : join(ROOT, file);
}

/** The counts of the JSON report at `file` if it was written since `sinceMs`. */
export function freshCounts(file: string, sinceMs: number): RunCounts | undefined {
  try {
    if (statSync(file).mtimeMs < sinceMs) return undefined;
    return reportCounts(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}
