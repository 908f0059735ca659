/**
 * `pmm-auth-check clients [--client NAME=EXECUTABLE …] [--only a,b] [--cases GLOB] [--profile P]
 * [--mock-url URL …] [--report-dir DIR]`: runs client adapters (fixtures/clients/PROTOCOL.md)
 * against PMM 2 and PMM 3 mocks and writes the matrix. The harness is suites/client/ (see --help).
 */
import { main } from '../suites/client/cli.ts';

process.exitCode = await main(process.argv.slice(2));
