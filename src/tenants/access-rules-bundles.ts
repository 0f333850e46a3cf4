import type { AssetType } from '../meta/index.js'

/**
 * Named task bundles per asset type, so admins name a level of access instead of a task list
 * Meta may reject (meta-graph-api.md §3.2 "Valid combinations": other ad-account sets fail with
 * 100/1752129). Page bundles are the legacy page roles without DRAFT, which the Page task enum
 * does not contain. Other asset types take explicit tasks.
 */
export const TASK_BUNDLES: Partial<Record<AssetType, Record<string, readonly string[]>>> = {
  ad_account: {
    admin: ['MANAGE', 'ADVERTISE', 'ANALYZE'],
    advertiser: ['ADVERTISE', 'ANALYZE'],
    analyst: ['ANALYZE']
  },
  page: {
    manager: ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'],
    content_creator: ['CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'],
    moderator: ['MODERATE', 'ADVERTISE', 'ANALYZE'],
    advertiser: ['ADVERTISE', 'ANALYZE'],
    insights_analyst: ['ANALYZE']
  }
}

export function bundleTasks (assetType: AssetType, bundle: string): readonly string[] | undefined {
  return TASK_BUNDLES[assetType]?.[bundle.trim().toLowerCase()]
}
