/**
 * The one test file of each project of the self-check's nested run: it imports the suite files of
 * its project's areas (`seed`, `headers`, … in order, from FILES_ENV), so that vitest runs them as
 * one file. One file per project keeps a project's cases one at a time against its mock, as the
 * server projects' `fileParallelism: false` does, while the projects run side by side: vitest runs
 * the projects of a group one at a time when their files may not run in parallel. The price:
 * setup.ts's clean-up (a file's keys and accounts) runs once, after the last of them.
 */
import { FILES_ENV } from './plan.ts';

const raw = process.env[FILES_ENV];
if (!raw) throw new Error(`${FILES_ENV} must name the suite files: nested-entry.ts runs only in the self-check`);
for (const file of JSON.parse(raw) as string[]) await import(`../server/${file}.test.ts`);
