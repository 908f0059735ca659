/**
 * createApp builds the mock's Hono app from its options, store and clock. It never listens
 * (mock/server.ts does). Request flow: /__mock → guard and control API; every other path → journal
 * → fault layer (mock/faults/) → credentials (parsed once) → nginx phase → PMM auth layer → Grafana
 * CSRF check and context (under /graph) → routes, then the UI pages. The product's layers run in
 * front of each route as one Hono handler (mock/chain.ts), and in front of the not-found answer.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { chain, type ErrorAnswer, type Layer } from './chain.ts';
import type { Clock } from './clock.ts';
import { credentialsOf, type AppDeps, type Env } from './context.ts';
import { applyDeviations, type Deviation } from './deviations.ts';
import { CONTROL_PREFIX, controlApi, type ListenerUrls } from './control.ts';
import { controlGuard } from './control-guard.ts';
import { FaultSet, faultLayer } from './faults/layer.ts';
import { GRPC, grafanaResponse, grpcErrorResponse } from './errors.ts';
import { grafanaContext } from './grafana/context.ts';
import { grafanaCsrf, mountGrafanaUi } from './grafana/ui/index.ts';
import type { Journal } from './journal.ts';
import { redactKeys } from './redact.ts';
import { journalRecorder } from './journal-recorder.ts';
import { nginxPhase } from './nginx.ts';
import { pmmAuthLayer } from './pmm/auth-layer.ts';
import { isGrafanaPath } from './pmm/request.ts';
import { notFound } from './pmm/handlers.ts';
import type { Profile } from './profiles/types.ts';
import { cryptoRandom, type RandomBytes } from './random.ts';
import { routeTable, type RouteRegistrar } from './routes.ts';
import type { StateOptions } from './scenarios/apply.ts';
import { ScenarioRuntime, scenarioControl } from './scenarios/runtime.ts';
import type { Scenario } from './scenarios/types.ts';
import type { Store } from './store.ts';

export interface AppOptions {
  readonly profile: Profile;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly random?: RandomBytes;
  /** grafana-auth §1.3: `api_key_max_seconds_to_live`, default -1 (unlimited). */
  readonly keyMaxSecondsToLive?: number;
  /** grafana-auth §6.1: `[auth.basic] enabled` (default true). */
  readonly basicAuthEnabled?: boolean;
  /** The scenario to start in (its faults and settings; its state is in the store already, mock/initial-store.ts). */
  readonly scenario?: Scenario;
  /** What the initial state was built from, for `POST /__mock/scenario` (absent: switching is refused). */
  readonly initialState?: StateOptions;
  /** Test-only deviations (mock/deviations.ts). */
  readonly deviations?: ReadonlySet<Deviation>;
  /** Names the certificate personality of a listener by its local port (default: none). */
  readonly listenerName?: (port: number | null) => string | null;
  /** The listeners' URLs for `GET /__mock/listeners` (mock/server.ts knows them once listening). */
  readonly listeners?: () => ListenerUrls | null;
  /** Host names the control API answers besides loopback and localhost (`--host`; mock/control-guard.ts). */
  readonly controlHosts?: readonly string[];
  /** Where unexpected errors are reported (default: stderr). */
  readonly log?: (line: string) => void;
}

export function createApp(options: AppOptions): Hono<Env> {
  const deps: AppDeps = {
    // Test-only deviations bend the profile once; handlers read its switches (mock/deviations.ts).
    profile: applyDeviations(options.profile, options.deviations ?? []),
    store: options.store,
    clock: options.clock,
    journal: options.journal,
    random: options.random ?? cryptoRandom,
    settings: { keyMaxSecondsToLive: -1, basicAuthEnabled: true },
    faults: new FaultSet(),
    listenerName: options.listenerName ?? (() => null),
    listeners: () => options.listeners?.() ?? {},
  };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const baseSettings = {
    keyMaxSecondsToLive: options.keyMaxSecondsToLive ?? -1,
    basicAuthEnabled: options.basicAuthEnabled ?? true,
  };
  const scenarios = new ScenarioRuntime(deps, options.initialState ?? null, baseSettings, options.scenario ?? null);
  const routes = routeTable(deps);
  const app = new Hono<Env>();
  const onError: ErrorAnswer = function onError(err, c) {
    // Every rejection carries its own answer (errors.ts `reject`): sent as it is, not copied into a new Fetch Response (issue 15).
    if (err instanceof HTTPException) return err.res ?? err.getResponse();
    log(`pmm-auth-mock: unexpected error on ${c.req.method} ${redactKeys(c.req.path)}: ${err.stack ?? err.message}`);
    return c.req.path.startsWith('/graph/')
      ? grafanaResponse(500, { message: 'Internal Server Error' })
      : grpcErrorResponse(deps.profile, GRPC.Internal, 'Internal server error.');
  };

  // Web pages cannot drive the control API: Host, Origin and Content-Type rules (mock/control-guard.ts).
  const guard = controlGuard({
    hosts: options.controlHosts ?? [],
    ...(options.listeners ? { listeners: options.listeners } : {}),
  });
  app.use(`${CONTROL_PREFIX}/*`, guard); // Hono's `/__mock/*` takes /__mock itself too
  app.route(CONTROL_PREFIX, scenarioControl(deps, scenarios));
  app.route(
    CONTROL_PREFIX,
    controlApi(deps, routes, options.listeners, () => scenarios.afterReset()),
  );

  // The product's layers, in front of every product route as one handler (mock/chain.ts: no async
  // frame per layer). Faults act on what a proxy or the network would change, before PMM sees the
  // request (mock/faults/); the caller's Authorization is parsed once, for every layer below and the journal.
  const product: Layer[] = [
    journalRecorder(deps),
    faultLayer(deps),
    function parseCredentials(c, next) {
      credentialsOf(c, deps);
      return next();
    },
    nginxPhase(deps.profile, deps.clock),
    pmmAuthLayer(deps),
  ];
  // Under /graph (isGrafanaPath): Grafana's CSRF check and its request context.
  const grafana = [...product, grafanaCsrf(), grafanaContext(deps)];
  const productRoutes: RouteRegistrar = {
    on: (method, path, handler) => {
      app.on(method, path, chain(isGrafanaPath(path) ? grafana : product, handler, onError));
    },
  };
  for (const [method, path, handler] of routes) productRoutes.on(method, path, handler);
  // Grafana answers its own unknown API paths (message UNVERIFIED); other /graph paths are its UI.
  productRoutes.on('ALL', '/graph/api/*', function grafanaNotFound() {
    return grafanaResponse(404, { message: 'Not found' });
  });
  // Issue 17: login, logout and the key pages of PMM's docs (mock/grafana/ui/).
  mountGrafanaUi(productRoutes, deps);
  // A path no route takes (and an unknown /__mock path, after the guard) goes through the same layers.
  const unknown = notFound(deps);
  const unknownProduct = chain(product, unknown, onError);
  const unknownGrafana = chain(grafana, unknown, onError);
  app.notFound((c) => (isGrafanaPath(c.req.path) ? unknownGrafana : unknownProduct)(c, async () => {}));
  app.onError(onError);
  return app;
}
