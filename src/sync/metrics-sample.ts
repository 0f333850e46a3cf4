import { sql } from 'kysely'
import type { SyncSample } from '../metrics/types.js'
import type { Executor } from '../db/executor.js'
import { DEFAULT_SYNC_SETTINGS } from './settings-repository.js'

interface SampleRow {
  oldest: string | number | null
  drifted: string | number | null
  manual: string | number | null
  waiting: string | number | null
  longest: string | number | null
}

/**
 * For `metrics.observeSync`, read at scrape time, all tenants in one query, no tenant labels:
 * - the longest time since a tenant's last successful sync, over tenants with a Meta business
 *   and token and a schedule; a tenant that never synced counts from when its Meta settings
 *   were created, so a first sync that keeps failing shows too;
 * - people whose desired and observed access differed at each tenant's last successful sync
 *   (the reconciles that sync enqueued), summed;
 * - manual steps (pixel access to remove in Business Settings) on people's records, summed.
 */
export async function syncSample (db: Executor): Promise<SyncSample> {
  const { rows } = await sql<SampleRow>`
    with last_success as (
      select distinct on (tenant_id) tenant_id, finished_at, counts
      from sync_runs where status = 'succeeded' and finished_at is not null
      order by tenant_id, finished_at desc
    )
    select
      (select max(extract(epoch from now() - coalesce(l.finished_at, m.created_at)))
        from tenant_meta_settings m
        left join sync_settings s on s.tenant_id = m.tenant_id
        left join last_success l on l.tenant_id = m.tenant_id
        where m.business_id is not null and m.access_token_sealed is not null
          and coalesce(s.schedule_minutes, ${DEFAULT_SYNC_SETTINGS.scheduleMinutes}) > 0) as oldest,
      (select sum(coalesce((l.counts->>'reconciles_enqueued')::integer, 0))
        from last_success l join tenant_meta_settings m on m.tenant_id = l.tenant_id
        where m.business_id is not null) as drifted,
      (select sum(jsonb_array_length(manual_steps)) from meta_people) as manual,
      -- Entitled (the last plan wanted a role) and not a member: invited, skipped in work_accounts
      -- mode, failed. Counted from the bridge's first record of the person.
      (select count(*) from meta_people p
        where p.state <> 'member' and p.last_plan->>'role' is not null) as waiting,
      (select max(extract(epoch from now() - p.created_at)) from meta_people p
        where p.state <> 'member' and p.last_plan->>'role' is not null) as longest`.execute(db)
  const row = rows[0]
  return {
    oldestSuccessAgeSeconds: row?.oldest === null || row?.oldest === undefined ? null : Math.max(0, Number(row.oldest)),
    driftedPeople: Number(row?.drifted ?? 0),
    manualSteps: Number(row?.manual ?? 0),
    waitingPeople: Number(row?.waiting ?? 0),
    longestWaitSeconds: Math.max(0, Number(row?.longest ?? 0))
  }
}
