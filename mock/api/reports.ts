/**
 * The client harness's report (report.json, format 2) as a type, and its writers (issue 15): a
 * report read back from `runClientChecks`, or from a file, rendered again as report.md, report.html
 * and junit.xml — e.g. into your CI's artifact directory, or after filtering its clients.
 *
 *   const { report } = await runClientChecks({ only: ['curl'] });
 *   if (report) writeClientReports('artifacts/pmm-auth', report);
 */
import { mkdirSync } from 'node:fs';
import { writeReports } from '../../suites/client/report.ts';
import type { RunResult } from '../../suites/client/run-result.ts';

export type ClientVerdict = 'PASS' | 'FAIL' | 'NON-STRICT' | 'UNSUPPORTED' | 'INFO';

export interface ClientCaseResult {
  readonly verdict: ClientVerdict;
  /** What the client did and what the mock saw (keys redacted). */
  readonly reason: string;
  /** Whether the verdict is the one the client's expectation file names. */
  readonly expected: boolean;
  /** The expected verdict, when `expected` is false. */
  readonly expectedVerdict?: ClientVerdict;
}

/** report.json of `pmm-auth-check clients` or `scenarios` (README "Client conformance harness"; its `about` describes each field). */
export interface ClientReport {
  readonly about: Readonly<Record<string, string>>;
  readonly generated: string;
  readonly partial: boolean;
  readonly interrupted?: string;
  readonly profiles: readonly {
    readonly name: 'pmm2' | 'pmm3';
    readonly title: string;
    readonly server: string;
    readonly key: string;
    readonly basicUser: string;
    readonly versionPath: string;
    readonly createKey: string;
  }[];
  readonly cases: readonly { readonly id: string; readonly level: string; readonly title: string }[];
  readonly clients: Readonly<
    Record<
      string,
      {
        readonly version: string | null;
        readonly missing?: string;
        readonly profiles: Partial<
          Record<'pmm2' | 'pmm3', { readonly cases: Readonly<Record<string, ClientCaseResult>> }>
        >;
      }
    >
  >;
  readonly unexpected: readonly string[];
  readonly causes: readonly { readonly client: string; readonly cause: string; readonly cases: readonly string[] }[];
}

/** Writes report.json, report.md, report.html and junit.xml of `report` into `dir` (made if missing); returns their paths. */
export function writeClientReports(dir: string, report: ClientReport): string[] {
  mkdirSync(dir, { recursive: true });
  const run = {
    ...report,
    clients: Object.fromEntries(
      Object.entries(report.clients).map(([name, c]) => [
        name,
        {
          ...c,
          executable: null,
          profiles: Object.fromEntries(
            Object.entries(c.profiles).map(([p, r]) => [
              p,
              {
                cases: Object.fromEntries(
                  Object.entries(r!.cases).map(([id, v]) => [
                    id,
                    { ...v, expectedVerdict: v.expectedVerdict ?? v.verdict },
                  ]),
                ),
              },
            ]),
          ),
        },
      ]),
    ),
    ...(report.partial ? { partial: report.interrupted ?? 'interrupted' } : { partial: undefined }),
    ...(report.about.format?.startsWith('pmm-auth-check scenarios') ? { command: 'scenarios' as const } : {}),
  };
  return writeReports(dir, run as unknown as RunResult);
}
