import type { Executor } from '../db/executor.js'
import type { FederationTrust } from './tables.js'

export interface TrustValues { issuer: string, jwksUri: string, subject: string, audiences: string[] }

export async function insertTrust (
  db: Executor, values: TrustValues & { tenantId: string, clientId: string, label: string }
): Promise<FederationTrust> {
  return db.insertInto('oauth_federation_trusts').values({
    tenant_id: values.tenantId,
    client_id: values.clientId,
    label: values.label,
    issuer: values.issuer,
    jwks_uri: values.jwksUri,
    subject: values.subject,
    audiences: JSON.stringify(values.audiences)
  }).returningAll().executeTakeFirstOrThrow()
}

export async function findTrustByClientId (db: Executor, clientId: string): Promise<FederationTrust | undefined> {
  return db.selectFrom('oauth_federation_trusts').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}

export async function findTrust (db: Executor, tenantId: string, id: string): Promise<FederationTrust | undefined> {
  return db.selectFrom('oauth_federation_trusts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
    .executeTakeFirst()
}

export async function listTrusts (db: Executor, tenantId: string): Promise<FederationTrust[]> {
  return db.selectFrom('oauth_federation_trusts').selectAll().where('tenant_id', '=', tenantId)
    .orderBy('created_at').orderBy('id').execute()
}

/** New trust values (a new workload identity): the tokens issued under the old ones go. */
export async function updateTrust (
  db: Executor, tenantId: string, id: string, values: Partial<TrustValues>, at: Date
): Promise<FederationTrust | undefined> {
  const row = await db.updateTable('oauth_federation_trusts').set({
    ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
    ...(values.jwksUri === undefined ? {} : { jwks_uri: values.jwksUri }),
    ...(values.subject === undefined ? {} : { subject: values.subject }),
    ...(values.audiences === undefined ? {} : { audiences: JSON.stringify(values.audiences) }),
    updated_at: at
  }).where('tenant_id', '=', tenantId).where('id', '=', id).where('revoked_at', 'is', null)
    .returningAll().executeTakeFirst()
  if (row) {
    await db.deleteFrom('oauth_access_tokens').where('tenant_id', '=', tenantId).where('trust_ref', '=', id)
      .execute()
  }
  return row
}

export async function revokeTrust (db: Executor, tenantId: string, id: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('oauth_federation_trusts').set({ revoked_at: at })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return false
  await db.deleteFrom('oauth_access_tokens').where('tenant_id', '=', tenantId).where('trust_ref', '=', id).execute()
  return true
}

export async function touchTrust (db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('oauth_federation_trusts').set({ last_used_at: at }).where('id', '=', id).execute()
}

/** Records a `jti`; false when this trust has seen it before and it has not expired. */
export async function rememberAssertionId (
  db: Executor, values: { trustRef: string, tenantId: string, jti: string, expiresAt: Date, now: Date }
): Promise<boolean> {
  await db.deleteFrom('oauth_assertion_ids').where('trust_ref', '=', values.trustRef)
    .where('expires_at', '<=', values.now).execute()
  const inserted = await db.insertInto('oauth_assertion_ids').values({
    trust_ref: values.trustRef, tenant_id: values.tenantId, jti: values.jti, expires_at: values.expiresAt
  }).onConflict((oc) => oc.columns(['trust_ref', 'jti']).doNothing()).returning('jti').executeTakeFirst()
  return inserted !== undefined
}
