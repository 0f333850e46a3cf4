import { specNode } from './spec.js'

// Fields an edge adds to the nodes it lists, which Meta documents on the edge's reference page
// rather than in the node's spec file (docs/meta-graph-api.md §2.3, §2.4).

export const EDGE_FIELDS = {
  /**
   * `GET /{asset}/assigned_users`: each AssignedUser row carries `tasks` ("all unpacked
   * roles/tasks") and `permitted_tasks` (tasks assignable on the object), per the
   * ad-account and page assigned_users reference pages.
   */
  assigned_users: ['tasks', 'permitted_tasks'],
  /** `GET /{business}/agencies`: default fields of the Business agencies reference page. */
  agencies: [
    'adaccount_permissions', 'application_permissions', 'page_permissions', 'productcatalog_permissions',
    'shared_ca_count'
  ]
} as const

/** Field names of a node type, with the fields an edge listing it adds. */
export function knownFields (
  nodeName: string, edge: keyof typeof EDGE_FIELDS | null = null
): ReadonlySet<string> {
  const names = new Set(specNode(nodeName).fields.keys())
  if (edge !== null) for (const name of EDGE_FIELDS[edge]) names.add(name)
  return names
}
