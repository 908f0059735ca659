// The line a test run ends with when some tests were skipped for want of an optional tool
// (suites/client/installed.ts marks them: meta.missingTool = { name, install }). Used by
// scripts/summary-reporter.ts (any vitest run) and scripts/test.js (`npm test`, from results.json).

/** @param {Iterable<{ name: string, install: string } | undefined>} marks one per test, undefined for the others */
export function missingToolsLine(marks) {
  const tools = new Map();
  for (const m of marks) {
    if (!m) continue;
    const t = tools.get(m.name) ?? { install: m.install, tests: 0 };
    t.tests++;
    tools.set(m.name, t);
  }
  if (tools.size === 0) return undefined;
  const list = [...tools].map(([name, t]) => `${name} (${t.tests} test${t.tests === 1 ? '' : 's'}; ${t.install})`);
  return `not run for want of a tool: ${list.join(', ')}; PMMCONF_REQUIRE_TOOLS=1 makes that a failure`;
}
