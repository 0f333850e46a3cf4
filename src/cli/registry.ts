import type { CommandGroup } from './command.js'
import { driftGroup } from './commands/drift.js'
import { removalsGroup } from './commands/removals.js'
import { syncGroup } from './commands/sync.js'
import { tenantsGroup } from './commands/tenants.js'
import { tokensGroup } from './commands/tokens.js'
import { metaGroup } from './commands/meta.js'
import { rulesGroup } from './commands/rules.js'
import { peopleGroup } from './commands/people.js'
import { planGroup } from './commands/plan.js'
import { auditGroup } from './commands/audit.js'
import { queueGroup } from './commands/queue.js'
import { oauthClientsGroup } from './commands/oauth-clients.js'
import { federationTrustsGroup } from './commands/federation-trusts.js'
import { logsGroup } from './commands/logs.js'
import { statusGroup } from './commands/status.js'
import { reconcileGroup, traceGroup } from './commands/traces.js'

/** Every command group; a new group is one file under commands/ and one line here. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [tenantsGroup, tokensGroup, syncGroup, driftGroup, removalsGroup,
  metaGroup, rulesGroup, peopleGroup, planGroup, auditGroup, queueGroup, oauthClientsGroup, federationTrustsGroup,
  logsGroup, statusGroup, traceGroup, reconcileGroup]
