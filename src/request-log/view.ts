import type { ScimRequestRow } from './tables.js'

/** One request log row as the admin API shows it. */
export const requestLogView = (r: ScimRequestRow) => ({
  id: String(r.id),
  at: r.at,
  request_id: r.request_id,
  token: r.token_id === null ? null : { id: r.token_id, label: r.token_label },
  idp: r.idp,
  user_agent: r.user_agent,
  method: r.method,
  path: r.path,
  query: r.query,
  action: r.action,
  summary: r.summary,
  target: r.target_type === null ? null : { type: r.target_type, id: r.target_id, name: r.target_name },
  status: r.status,
  scim_type: r.scim_type,
  duration_ms: r.duration_ms,
  request_body: r.request_body,
  response_body: r.response_body
})
