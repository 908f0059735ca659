import { fuzzProfile } from './properties.ts';
for (const profile of ['pmm2', 'pmm3'] as const) {
  const t0 = performance.now();
  const r = await fuzzProfile({ profile, runs: Number(process.argv[2] ?? 300), seed: 42 });
  console.log(JSON.stringify(r, null, 1), Math.round(performance.now() - t0), 'ms');
}
