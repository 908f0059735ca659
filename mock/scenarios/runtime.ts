/**
 * The scenario in force and the control API's scenario and fault endpoints (not part of PMM):
 * `GET /__mock/scenarios`, `POST /__mock/scenario`, `GET|POST|DELETE /__mock/faults`. A switch
 * resets the mock into the scenario's state: store, clock, journal, faults and settings.
 */
import { Hono } from 'hono';
import type { AppDeps, Env, MockSettings } from '../context.ts';
import { controlError, json } from '../errors.ts';
import { initialStore } from '../initial-store.ts';
import { applyClockAndLogins, applySettings, faultSeed, type StateOptions } from './apply.ts';
import { catalogue, scenarioById, scenarioProfile } from './load.ts';
import type { Scenario } from './types.ts';
import { parseFaults, ScenarioError } from './validate.ts';

export class ScenarioRuntime {
  private scenario: Scenario | null;

  constructor(
    private readonly deps: AppDeps,
    /** What the mock's own state is built from (null: the app cannot rebuild it, e.g. a bare createApp). */
    private readonly base: StateOptions | null,
    private readonly baseSettings: MockSettings,
    scenario: Scenario | null,
  ) {
    this.scenario = scenario;
    if (scenario) deps.faults.load(scenario.faults, faultSeed(scenario));
    applySettings(deps, scenario, baseSettings);
  }

  get current(): Scenario | null {
    return this.scenario;
  }

  /** Resets the mock into `s`; its keys and passwords, shown once. */
  start(s: Scenario): { keys: Record<string, string>; passwords: Record<string, string> } {
    const { deps } = this;
    if (!this.base)
      throw new ScenarioError(
        `scenario "${s.id}": /: expected a mock started by pmm-auth-mock (this app cannot rebuild its state)`,
      );
    const wanted = scenarioProfile(s);
    if (wanted.name !== deps.profile.name || wanted.grafana.version !== deps.profile.grafana.version)
      throw new ScenarioError(
        `scenario "${s.id}": /product: expected this mock's product, ${deps.profile.name} with Grafana ${deps.profile.grafana.version} (the scenario needs ${wanted.name} with Grafana ${wanted.grafana.version}: start pmm-auth-mock --scenario ${s.id})`,
      );
    const before = deps.clock.nowMs();
    deps.clock.reset();
    let built: ReturnType<typeof initialStore>;
    try {
      built = initialStore({ ...this.base, scenario: s }, deps.clock, deps.random);
    } catch (e) {
      deps.clock.set(before);
      // A name the mock's own --seed-key/--seed-token took already: the mock stays as it was.
      throw new ScenarioError(`scenario "${s.id}": /initial: ${(e as Error).message}`);
    }
    deps.store.replaceWith(built.store);
    deps.journal.clear();
    deps.faults.load(s.faults, faultSeed(s));
    applySettings(deps, s, this.baseSettings);
    this.scenario = s;
    return { keys: built.keys, passwords: built.passwords };
  }

  /** After `POST /__mock/reset` (store, journal and clock reset): the scenario's clock, logins and faults again. */
  afterReset(): void {
    if (this.scenario) applyClockAndLogins(this.scenario, this.deps.store, this.deps.clock);
    this.deps.faults.reset();
  }
}

/** `{"id": "…"}` of POST /__mock/scenario. */
function scenarioIdOf(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ScenarioError('request body: /: expected JSON {"id":"<scenario id>"}');
  }
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof id !== 'string')
    throw new ScenarioError('request body: /id: expected a scenario id (a string)');
  const extra = Object.keys(body).filter((k) => k !== 'id');
  if (extra.length > 0) throw new ScenarioError(`request body: /${extra[0]}: unknown field "${extra[0]}"`);
  return id;
}

/** The `--scenario-file` or ScenarioError text as the control API's 400. */
function asBadRequest<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ScenarioError) throw controlError(400, e.message);
    throw e;
  }
}

export function scenarioControl(deps: AppDeps, runtime: ScenarioRuntime): Hono<Env> {
  const control = new Hono<Env>();

  control.get('/scenarios', function listScenarios() {
    const current = runtime.current;
    return json(200, { current: current ? current.id : null, scenarios: catalogue() });
  });

  control.post('/scenario', async function switchScenario(c) {
    const text = await c.req.text();
    const started = asBadRequest(() => runtime.start(scenarioById(scenarioIdOf(text))));
    const s = runtime.current!;
    return json(200, { scenario: { id: s.id, title: s.title }, ...started, faults: deps.faults.list() });
  });

  control.get('/faults', function listFaults() {
    return json(200, { faults: deps.faults.list() });
  });

  control.post('/faults', async function addFaults(c) {
    const text = await c.req.text();
    const specs = asBadRequest(() => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ScenarioError('request body: /: expected JSON: a fault object or an array of them');
      }
      const faults = parseFaults(body, 'request body');
      faults.forEach((f, i) => {
        if (f.name === 'migration-pending' && !deps.profile.serviceAccounts)
          throw new ScenarioError(
            `request body: ${Array.isArray(body) ? `/${i}` : ''}/name: migration-pending needs profile pmm3 (service accounts)`,
          );
      });
      return faults;
    });
    deps.faults.add(specs);
    return json(200, { faults: deps.faults.list() });
  });

  control.delete('/faults', function clearFaults() {
    return json(200, { cleared: deps.faults.clear() });
  });

  return control;
}
