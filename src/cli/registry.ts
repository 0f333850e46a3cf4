import type { CommandGroup } from './command.js'
import { driftGroup } from './commands/drift.js'
import { syncGroup } from './commands/sync.js'
import { tenantsGroup } from './commands/tenants.js'
import { tokensGroup } from './commands/tokens.js'

/** Every command group; a new group is one file under commands/ and one line here. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [tenantsGroup, tokensGroup, syncGroup, driftGroup]
