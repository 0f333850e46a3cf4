import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifySchema } from 'fastify'
import sensible from '@fastify/sensible'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { DB } from './db/schema.js'
import { errorHandlerPlugin } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { inputGuardPlugin } from './http/input-guard.js'
import { httpServerLimits } from './http/server-limits.js'
import { queryTokenPlugin } from './http/query-token.js'
import { publicOrigin } from './http/public-origin.js'
import { createRouterErrors } from './http/framework-errors.js'
import { SCIM_PREFIX, scimApi } from './scim-api/plugin.js'
import { noopAccessChangeSink, type AccessChangeSink } from './directory/access-change-sink.js'
import type { ReadOnlyUserExtension } from './directory/user-extensions.js'
import { TokenService } from './tenants/token-service.js'
import { adminRoutes } from './admin/index.js'
import { AdminTokenVerifier } from './admin/admin-token-verifier.js'
import { openapiRoute } from './http/openapi-route.js'
import { SyncService } from './sync/sync-service.js'
import { unwiredSyncClients, unwiredSyncPorts } from './sync/unwired-ports.js'
import type { DecisionDeps } from './brake/decisions.js'
import type { AdminProvisioning } from './admin/provisioning-deps.js'
import { metricsPlugin } from './metrics/plugin.js'
import { createMetrics, type Metrics } from './metrics/registry.js'
import type { PoolStats } from './metrics/types.js'
import { overloadPlugin } from './http/overload.js'
import { databaseDeadlinePlugin } from './http/database-deadline.js'
import type { OverloadProbe } from './http/overload-probe.js'
import { createOAuthServices, type OAuthServices } from './oauth/services.js'
import { oauthTokenRoutes } from './oauth/token-route.js'
import { RequestLog, defaultRequestLogSettings } from './request-log/request-log.js'
import { tenantHealthSampler } from './health/metrics-sample.js'
import { consolePlugin } from './console/plugin.js'

export interface RegisteredRoute {
  method: string
  url: string
  /** The route's schema as finally registered (admin routes: zod schemas, src/admin/zod-type-provider.ts). */
  readonly schema: FastifySchema | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, for the OpenAPI contract test. */
    registeredRoutes: RegisteredRoute[]
  }
}

export interface AppDeps {
  config: Config
  db: Kysely<DB>
  logger: FastifyBaseLogger
  tokens?: TokenService
  adminTokens?: AdminTokenVerifier
  accessChanges?: AccessChangeSink
  /** Read-only User extension blocks (the Meta state, src/provisioning/records/scim-extension.ts). */
  userExtensions?: ReadOnlyUserExtension[]
  /**
   * The sync with the provisioning engine's ports and Meta clients (src/sync/ports.ts), as
   * main.ts builds it. Absent (tests of other parts): an unwired sync, built here and only here,
   * whose runs fail with "no Meta connection"; the console then says the sync is unavailable.
   */
  sync?: SyncService
  /** The removal brake's admin side: the database and the reconcile queue. */
  removalBrake?: DecisionDeps
  /** The provisioning runtime's box, queue, Meta clients and pg-boss, for the admin API. */
  provisioning?: AdminProvisioning
  /** One registry per process, shared with the worker and the Meta client; created if absent. */
  metrics?: Metrics
  /** The database pool (DatabaseHandle.pool), read at each scrape. */
  pool?: PoolStats
  /** Process load readings for the overload guard; defaults to sampling this process. */
  overloadProbe?: OverloadProbe
  /** Clock of the SCIM rate limit and of OAuth expiry (tests). */
  now?: () => number
  /** OAuth clients, federation trusts and issued tokens; created if absent. */
  oauth?: OAuthServices
  /** The SCIM request log; created from the config when absent. The app starts and closes it. */
  requestLog?: RequestLog
  /** Clock of the console's sessions (tests); the wall clock when absent. */
  consoleNow?: () => Date
}

/** What the worker role's HTTP app needs (`buildWorkerApp`). */
export type WorkerAppDeps = Pick<AppDeps, 'config' | 'db' | 'logger' | 'metrics' | 'pool'>

/**
 * What every process's HTTP app starts with: Fastify with request ids, the error handler and
 * the metrics plugin (`/metrics`), registered before every route so each one inherits its hook.
 */
async function baseApp (deps: WorkerAppDeps): Promise<{ app: FastifyInstance, metrics: Metrics }> {
  const { frameworkErrors, routerErrorsPlugin } = createRouterErrors()
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
    // Okta's and Entra's paths differ in case and trailing slashes (docs/idp-behaviour.md §B, §C).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    frameworkErrors,
    ...httpServerLimits(deps.config)
  })
  // Connections past the cap are closed by Node as they arrive (no 503: nothing is read yet).
  app.server.maxConnections = deps.config.httpMaxConnections
  // First of all hooks: a request the router refused runs nothing before its error is thrown.
  await app.register(routerErrorsPlugin)
  // Next, so every later hook's database work runs under the request's deadline.
  await app.register(databaseDeadlinePlugin, { deadlineMs: deps.config.databaseRequestDeadlineMs })
  const routes: RegisteredRoute[] = []
  app.decorate('registeredRoutes', routes)
  app.addHook('onRoute', (route) => {
    // Read when asked: an encapsulated onRoute hook may still add to the schema after this one.
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, get schema () { return route.schema } })
    }
  })

  // Callback-style hooks here and on every SCIM request's path: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id)
    done(null, payload)
  })
  await app.register(sensible)
  await app.register(errorHandlerPlugin)
  await app.register(inputGuardPlugin)
  await app.register(queryTokenPlugin)
  const metrics = deps.metrics ?? createMetrics()
  if (deps.pool) {
    const detachPool = metrics.observeDatabasePool(deps.pool)
    app.addHook('onClose', async () => { detachPool() })
  }
  await app.register(metricsPlugin, { metrics, token: deps.config.metricsToken })
  return { app, metrics }
}

/**
 * A `ROLE=worker` process's HTTP app: `/healthz`, `/readyz` and `/metrics` only, so probes and
 * Prometheus see the worker (its jobs, Meta calls and syncs are counted in this process).
 */
export async function buildWorkerApp (deps: WorkerAppDeps): Promise<FastifyInstance> {
  const { app } = await baseApp(deps)
  await app.register(healthRoutes, { db: deps.db })
  return app
}

/**
 * The HTTP application without a listening socket: the entry point listens, tests inject.
 * Plugins and routes are registered explicitly, in order (no autoload).
 */
export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const { app, metrics } = await baseApp(deps)
  const tokens = deps.tokens ?? new TokenService(deps.db)
  const oauth = deps.oauth ?? createOAuthServices(deps.db, { now: deps.now })
  const requestLog = deps.requestLog ?? new RequestLog({
    db: deps.db,
    settings: { ...defaultRequestLogSettings, ...deps.config.requestLog },
    logger: deps.logger.child({ component: 'request-log' }),
    onDrop: (reason, count) => { metrics.recordRequestLogDropped(reason, count) }
  })
  if (requestLog.settings.enabled) requestLog.start()
  app.addHook('onClose', async () => { await requestLog.close() })
  const governor = deps.provisioning?.clients.governor
  const snapshot = governor === undefined ? undefined : () => governor.snapshot()
  const detachHealth = metrics.observeTenantHealth(tenantHealthSampler(deps.db, snapshot))
  app.addHook('onClose', async () => { detachHealth() })
  // RFC 7644 §3.1: SCIM bodies are application/scim+json; parse them like JSON.
  app.addContentTypeParser(['application/scim+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  // Before every route, so each one inherits the overload hook.
  await app.register(overloadPlugin, {
    maxEventLoopDelayMs: deps.config.overloadMaxEventLoopDelayMs,
    maxHeapBytes: deps.config.overloadMaxHeapBytes,
    retryAfterSeconds: deps.config.overloadRetryAfterSeconds,
    metrics,
    probe: deps.overloadProbe
  })
  await app.register(healthRoutes, { db: deps.db })
  await app.register(openapiRoute)
  const adminTokens = deps.adminTokens ?? new AdminTokenVerifier(deps.db, deps.config.adminToken)
  const sync = deps.sync ?? new SyncService({ db: deps.db, ports: unwiredSyncPorts, clients: unwiredSyncClients })
  await app.register(adminRoutes, {
    prefix: '/admin/v1',
    db: deps.db,
    tokens,
    oauth,
    accessTokenLifetimeSeconds: deps.config.oauth.accessTokenLifetimeSeconds,
    allowLoopbackIssuers: deps.config.oauth.allowLoopbackIssuers,
    adminTokens,
    sync,
    removalBrake: deps.removalBrake,
    provisioning: deps.provisioning
  })
  await app.register(oauthTokenRoutes, {
    clients: oauth.clients,
    trusts: oauth.trusts,
    accessTokens: oauth.accessTokens,
    accessTokenLifetimeSeconds: deps.config.oauth.accessTokenLifetimeSeconds,
    clientFailuresPerMinute: deps.config.oauth.clientFailuresPerMinute,
    addressFailuresPerMinute: deps.config.oauth.addressFailuresPerMinute,
    now: deps.now
  })
  await app.register(scimApi, {
    prefix: SCIM_PREFIX,
    tokens,
    accessTokens: oauth.accessTokens,
    metrics,
    rateLimit: { perMinute: deps.config.scimRateLimitPerMinute, burst: deps.config.scimRateLimitBurst },
    now: deps.now,
    db: deps.db,
    config: {
      scimMaxPageSize: deps.config.scimMaxPageSize,
      publicBaseUrl: publicOrigin(deps.config),
      scimMaxMembersPerResponse: deps.config.scimMaxMembersPerResponse
    },
    accessChanges: deps.accessChanges ?? noopAccessChangeSink,
    userExtensions: deps.userExtensions,
    requestLog
  })
  // The admin console under /ui (docs/console.md): its own scope, cookies and CSRF; /admin/v1
  // above stays bearer-only.
  if (deps.config.console.enabled) {
    const c = deps.config
    await app.register(consolePlugin, {
      config: {
        console: c.console,
        publicBaseUrl: c.publicBaseUrl,
        host: c.host,
        port: c.port,
        allowLoopbackIssuers: c.oauth.allowLoopbackIssuers
      },
      db: deps.db,
      tokens,
      adminTokens,
      sync: deps.sync,
      removalBrake: deps.removalBrake,
      provisioning: deps.provisioning,
      now: deps.consoleNow
    })
  }

  return app
}
