/**
 * createApp builds the mock's Hono app from its options, store and clock. It never listens
 * (mock/server.ts does). Request flow: journal → /__mock guard and control API → credentials (parsed once)
 * → nginx phase → PMM auth layer → Grafana context (under /graph) → routes.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Clock } from './clock.ts';
import { credentialsOf, type AppDeps, type Env } from './context.ts';
import { applyDeviations, type Deviation } from './deviations.ts';
import { CONTROL_PREFIX, controlApi, type ListenerUrls } from './control.ts';
import { controlGuard } from './control-guard.ts';
import { GRPC, grafanaResponse, grpcErrorResponse } from './errors.ts';
import { grafanaContext } from './grafana/context.ts';
import { grafanaUi } from './grafana/user.ts';
import { redactKeys, type Journal } from './journal.ts';
import { journalRecorder } from './journal-recorder.ts';
import { nginxPhase } from './nginx.ts';
import { pmmAuthLayer } from './pmm/auth-layer.ts';
import { notFound } from './pmm/handlers.ts';
import type { Profile } from './profiles/types.ts';
import { cryptoRandom, type RandomBytes } from './random.ts';
import { routeTable } from './routes.ts';
import type { Store } from './store.ts';

export interface AppOptions {
  readonly profile: Profile;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly random?: RandomBytes;
  /** grafana-auth §1.3: `api_key_max_seconds_to_live`, default -1 (unlimited). */
  readonly keyMaxSecondsToLive?: number;
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
    keyMaxSecondsToLive: options.keyMaxSecondsToLive ?? -1,
    listenerName: options.listenerName ?? (() => null),
  };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const routes = routeTable(deps);
  const app = new Hono<Env>();

  app.use('*', journalRecorder(deps));
  // Web pages cannot drive the control API: Host, Origin and Content-Type rules (mock/control-guard.ts).
  app.use(
    '*',
    controlGuard({ hosts: options.controlHosts ?? [], ...(options.listeners ? { listeners: options.listeners } : {}) }),
  );
  app.route(CONTROL_PREFIX, controlApi(deps, routes, options.listeners));
  // The caller's Authorization is parsed once, here, for every layer below and the journal.
  app.use('*', async function parseCredentials(c, next) {
    credentialsOf(c, deps);
    await next();
  });
  app.use('*', nginxPhase());
  app.use('*', pmmAuthLayer(deps));
  app.use('/graph/*', grafanaContext(deps));
  for (const [method, path, handler] of routes) app.on(method, path, handler);
  // Grafana answers its own unknown API paths (message UNVERIFIED); other /graph paths are its UI.
  app.all('/graph/api/*', function grafanaNotFound() {
    return grafanaResponse(404, { message: 'Not found' });
  });
  app.get('/graph', grafanaUi(deps));
  app.get('/graph/*', grafanaUi(deps));
  app.notFound(notFound(deps));

  app.onError(function onError(err, c) {
    if (err instanceof HTTPException) return err.getResponse();
    log(`pmm-auth-mock: unexpected error on ${c.req.method} ${redactKeys(c.req.path)}: ${err.stack ?? err.message}`);
    return c.req.path.startsWith('/graph/')
      ? grafanaResponse(500, { message: 'Internal Server Error' })
      : grpcErrorResponse(deps.profile, GRPC.Internal, 'Internal server error.');
  });
  return app;
}
