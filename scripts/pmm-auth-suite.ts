/**
 * `pmm-auth-suite [vitest option…]` (`npm run test:server`): checks the server suite's target, then
 * runs the suite (vitest project `server`). The entry point is suites/_support/suite-cli.ts (see --help).
 */
import { main } from '../suites/_support/suite-cli.ts';

process.exitCode = await main(process.argv.slice(2));
