/**
 * Run detached by globalSetup when the run is interrupted (SIGINT/SIGTERM): vitest exits at once,
 * so the clean-up of the run's keys, service accounts and users happens here. The target comes in PMMCONF_TARGET.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { finishRun } from './cleanup.ts';
import type { Target } from './target.ts';

const target = JSON.parse(process.env.PMMCONF_TARGET ?? 'null') as Target | null;
if (!target) {
  process.stderr.write('pmm-auth-conformance: cleanup-cli needs PMMCONF_TARGET\n');
  process.exit(2);
}
process.stdout.write(
  `\npmm-auth-conformance: interrupted; deleting the keys, service accounts and users of run ${target.runId}\n`,
);
// A request the workers sent just before the signal may still create a key: let it land first.
await sleep(1500);
await finishRun(target);
