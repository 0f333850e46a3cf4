import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

// Bucketed counts for the console's charts. Every query is bounded: one tenant, a time range
// the route caps, an index on (tenant_id, at), and at most a few thousand buckets per series.

export interface Range { since: Date, until: Date }

const n = (v: string | number): number => Number(v)

/** Provisioning actions per bucket by action and outcome, from the audit log. */
export async function actionSeries (db: Kysely<DB>, tenantId: string, range: Range, bucketSeconds: number) {
  const rows = await sql<{ bucket: Date, action: string, outcome: string, n: string | number }>`
    select date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01') as bucket, action, outcome,
      count(*) as n
    from audit_events where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({ at: new Date(r.bucket), action: r.action, outcome: r.outcome, count: n(r.n) }))
}

/** SCIM requests per bucket by IdP and status class, from the request log. */
export async function scimRequestSeries (db: Kysely<DB>, tenantId: string, range: Range, bucketSeconds: number) {
  const rows = await sql<{ bucket: Date, idp: string, status_class: string, n: string | number }>`
    select date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01') as bucket, idp,
      (status / 100)::text || 'xx' as status_class, count(*) as n
    from scim_requests where tenant_id = ${tenantId} and at >= ${range.since} and at < ${range.until}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({ at: new Date(r.bucket), idp: r.idp, status_class: r.status_class, count: n(r.n) }))
}

const AGE_BUCKETS = [['0-7d', 0, 7], ['7-14d', 7, 14], ['14-30d', 14, 30], ['30d+', 30, null]] as const

/**
 * The invitation funnel: people invited in the range (an applied `invite` in the audit log),
 * how many of them are members now, how many still pending, and every pending invitation by
 * the age of its last invite. Expiry is Meta's and not recorded here: a pending invitation
 * older than Meta's validity shows up in the oldest age bucket and in the drift report.
 */
export async function invitationFunnel (db: Kysely<DB>, tenantId: string, range: Range, now: Date) {
  const invited = await sql<{ invited: string | number, accepted: string | number, pending: string | number }>`
    select count(*) as invited,
      count(*) filter (where p.state = 'member') as accepted,
      count(*) filter (where p.state = 'invited') as pending
    from (select distinct user_id from audit_events
          where tenant_id = ${tenantId} and action = 'invite' and outcome = 'applied'
            and at >= ${range.since} and at < ${range.until} and user_id is not null) i
    left join meta_people p on p.tenant_id = ${tenantId} and p.user_id = i.user_id`.execute(db)
  const ages = await sql<{ age_days: string | number }>`
    select extract(epoch from ${now}::timestamptz - coalesce(max(a.at), p.updated_at)) / 86400 as age_days
    from meta_people p
    left join audit_events a on a.tenant_id = p.tenant_id and a.user_id = p.user_id and a.action = 'invite'
      and a.outcome = 'applied'
    where p.tenant_id = ${tenantId} and p.state = 'invited'
    group by p.user_id, p.updated_at`.execute(db)
  const byAge = Object.fromEntries(AGE_BUCKETS.map(([label]) => [label, 0])) as Record<string, number>
  for (const { age_days: age } of ages.rows) {
    const bucket = AGE_BUCKETS.find(([, low, high]) => n(age) >= low && (high === null || n(age) < high))
    if (bucket !== undefined) byAge[bucket[0]] = (byAge[bucket[0]] ?? 0) + 1
  }
  const row = invited.rows[0]
  return {
    invited: n(row?.invited ?? 0),
    accepted: n(row?.accepted ?? 0),
    pending_from_range: n(row?.pending ?? 0),
    pending_by_age: byAge
  }
}
