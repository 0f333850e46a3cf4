import type { AssetType } from '../../meta/index.js'

// When is a grant in place? Meta reads back more tasks than it was given: `assigned_users.tasks`
// is "all unpacked roles/tasks" (Marketing API reference, ad account assigned_users). An ad
// account's ADVERTISE, ANALYZE reads back as DRAFT, ANALYZE, ADVERTISE; an Instagram ADVERTISE as
// ADVERTISE, ANALYZE, CONTENT, MESSAGES, COMMUNITY_ACTIVITY. Exact set equality therefore never
// settles. The rule, shared by the plan (provisioning/engine/plan.ts) and the drift report
// (sync/differences.ts), is `taskGap` below; docs/provisioning.md explains it for admins.

/**
 * Tasks Meta may report on top of each task it was given, per asset type, applied transitively.
 * Ad account and Instagram rows come from captured Graph answers; ad-account CREATIVE,
 * FB_EMPLOYEE_DSO_ADVERTISE and AA_ANALYZE are names Meta reports in `permitted_tasks` outside
 * its own enum. Page, pixel, catalog and WhatsApp rows are assumptions (a role ladder where
 * the bigger task includes the smaller); a wrong guess costs one narrowing call, not a loop
 * (see `AssetGrant.narrowed` in reconcile-types.ts).
 */
export const META_TASK_EXPANSION: Readonly<Record<AssetType, Readonly<Record<string, readonly string[]>>>> = {
  ad_account: {
    MANAGE: ['ADVERTISE', 'ANALYZE'],
    ADVERTISE: ['DRAFT', 'CREATIVE', 'FB_EMPLOYEE_DSO_ADVERTISE'],
    ANALYZE: ['AA_ANALYZE']
  },
  instagram_account: { ADVERTISE: ['ANALYZE', 'CONTENT', 'MESSAGES', 'COMMUNITY_ACTIVITY'] },
  page: { MANAGE: ['CREATE_CONTENT'], CREATE_CONTENT: ['MODERATE'], MODERATE: ['ADVERTISE'], ADVERTISE: ['ANALYZE'] },
  pixel: { EDIT: ['ADVERTISE', 'UPLOAD'], ADVERTISE: ['ANALYZE'], ANALYZE: ['AA_ANALYZE'] },
  product_catalog: { MANAGE: ['ADVERTISE'] },
  whatsapp_business_account: {
    MANAGE: ['MANAGE_TEMPLATES', 'MANAGE_PHONE', 'VIEW_COST'],
    MANAGE_TEMPLATES: ['VIEW_TEMPLATES'],
    MANAGE_PHONE: ['VIEW_PHONE_ASSETS']
  }
}

/** The desired tasks with everything Meta may unpack them to (compared case-insensitively). */
export function coveredTasks (assetType: AssetType, desired: readonly string[]): Set<string> {
  const table = META_TASK_EXPANSION[assetType]
  const out = new Set(desired.map((t) => t.toUpperCase()))
  const queue = [...out]
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    for (const added of table[task] ?? []) {
      if (!out.has(added)) {
        out.add(added)
        queue.push(added)
      }
    }
  }
  return out
}

export interface TaskGap {
  /** Desired tasks Meta does not report: a grant is needed. */
  missing: string[]
  /** Reported tasks that are neither desired nor unpacked from a desired task: a narrowing is needed. */
  extra: string[]
}

/**
 * How what Meta reports on one asset differs from what the person should hold. A grant is in
 * place when every desired task is reported (containment, not equality); a reported task only
 * calls for narrowing when it is neither desired nor one Meta unpacks from a desired task.
 */
export function taskGap (assetType: AssetType, desired: readonly string[], reported: readonly string[]): TaskGap {
  const have = new Set(reported.map((t) => t.toUpperCase()))
  const covered = coveredTasks(assetType, desired)
  return {
    missing: [...new Set(desired)].filter((t) => !have.has(t.toUpperCase())).sort(),
    extra: [...new Set(reported)].filter((t) => !covered.has(t.toUpperCase())).sort()
  }
}

export const gapIsEmpty = (gap: TaskGap): boolean => gap.missing.length === 0 && gap.extra.length === 0
