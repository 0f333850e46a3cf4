import type { Kysely } from 'kysely'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { DB } from '../../db/schema.js'
import type { MetaClient } from '../../meta/index.js'
import { listAccessRules } from '../../tenants/access-rules-repository.js'
import type { AccessRule } from '../../tenants/access-rules.js'
import { effectiveDryRun, loadMetaCredentials, type MetaCredentials } from '../../tenants/meta-settings.js'
import { MemberDirectory } from './meta-people-listing.js'
import type { MetaClientFactory } from './meta-clients.js'

/** Everything a batch of jobs needs about one tenant, read once per batch. */
export interface TenantContext {
  tenantId: string
  settings: MetaCredentials
  rules: AccessRule[]
  /** Plan and record, call nothing: dry run on, or no credentials. */
  dryRun: boolean
  /** null in dry run. */
  client: MetaClient | null
  members: MemberDirectory | null
  /** Set once this batch recorded that Meta accepts the token (connection `connected`). */
  confirmedConnected: boolean
}

export async function loadTenantContext (
  db: Kysely<DB>, box: SecretBox, clients: MetaClientFactory, tenantId: string
): Promise<TenantContext> {
  const settings = await loadMetaCredentials(db, box, tenantId)
  const rules = await listAccessRules(db, tenantId)
  const client = effectiveDryRun(settings) ? null : clients.forTenant(settings)
  return {
    tenantId,
    settings,
    rules,
    dryRun: client === null,
    client,
    // Kept with the client across batches (meta-people-listing.ts), not read again for every batch.
    members: client === null ? null : MemberDirectory.of(client),
    confirmedConnected: settings.connection.status === 'connected'
  }
}

/** Per batch: one context per tenant, loaded on first use. */
export class TenantContexts {
  private readonly loaded = new Map<string, Promise<TenantContext>>()

  constructor (private readonly load: (tenantId: string) => Promise<TenantContext>) {}

  async get (tenantId: string): Promise<TenantContext> {
    let ctx = this.loaded.get(tenantId)
    if (ctx === undefined) {
      ctx = this.load(tenantId)
      this.loaded.set(tenantId, ctx)
    }
    return await ctx
  }

  /** After a tenant was disconnected mid-batch, its later jobs must see it. */
  forget (tenantId: string): void {
    this.loaded.delete(tenantId)
  }
}
