/**
 * `npm run fuzz -- [--runs N] [--profile pmm2|pmm3] [--seed N]`: the fuzz properties of
 * mock/fuzz/properties.ts (those of mock/fuzz/fuzz.test.ts) for longer. Exit 0: no crash, hang,
 * undocumented 5xx or leaked key on any profile; 1: any; 2: a bad flag.
 */
import { fuzzMain } from './lib/fuzz-main.ts';

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
process.exit(await fuzzMain(process.argv.slice(2), write(process.stdout), write(process.stderr)));
