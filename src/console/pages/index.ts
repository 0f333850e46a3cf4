import type { FastifyInstance } from 'fastify'
import type { ConsoleRuntime } from '../context.js'
import { accessRulesPage } from './access-rules.js'
import { auditPage } from './audit.js'
import { chartsPage } from './charts.js'
import { driftPage } from './drift.js'
import { heldRemovalsPage } from './held-removals.js'
import { queuePage } from './queue.js'
import { scimRequestsPage } from './scim-requests.js'
import { syncRunsPage } from './sync-runs.js'
import { overviewPage } from './overview.js'
import { peoplePage } from './people.js'
import { personPage } from './person.js'
import { tenantHealthPage } from './tenant-health.js'

/** Every signed-in page of the console. */
export async function consolePages (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  await overviewPage(app, rt)
  await tenantHealthPage(app, rt)
  await peoplePage(app, rt)
  await personPage(app, rt)
  await heldRemovalsPage(app, rt)
  await accessRulesPage(app, rt)
  await driftPage(app, rt)
  await syncRunsPage(app, rt)
  await queuePage(app, rt)
  await auditPage(app, rt)
  await scimRequestsPage(app, rt)
  await chartsPage(app, rt)
}
