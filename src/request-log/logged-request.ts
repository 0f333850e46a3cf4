import { describeRequest } from './action.js'
import type { CapturedRequest, LoggedRequest } from './entry.js'
import { idpFromUserAgent } from './idp.js'
import { MASK, type Masker } from './mask.js'

/** Bodies larger than this are logged as their size only (a 50,000-member group PUT). */
export const MAX_BODY_BYTES = 64 * 1024

function omitted (bytes: number): { omitted: true, bytes: number } {
  return { omitted: true, bytes }
}

function firstString (text: string, key: string): string | undefined {
  return new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text)?.[1]
}

/**
 * Turns a captured request into the row stored: its semantic action and target, the IdP, and
 * every body and query string masked. Runs in the batch writer, never on the request path;
 * nothing of a captured request reaches the table except through here.
 */
export function toLoggedRequest (c: CapturedRequest, masker: Masker): LoggedRequest {
  const queryAt = c.url.indexOf('?')
  const path = queryAt < 0 ? c.url : c.url.slice(0, queryAt)
  const query = queryAt < 0 ? undefined : c.url.slice(queryAt + 1)
  const described = describeRequest({
    method: c.method, route: c.route, id: c.id, filter: c.filter, body: c.requestBody
  })
  const text = c.responseText
  const requestBody = c.requestBody === undefined || c.requestBody === null
    ? undefined
    : c.requestBytes > MAX_BODY_BYTES ? omitted(c.requestBytes) : masker.maskValue(c.requestBody)
  const responseBody = c.responseSummary ??
    (text === undefined || text === '' ? undefined : text.length > MAX_BODY_BYTES ? omitted(text.length) : masker.maskJsonText(text))
  const created = c.method === 'POST' && c.status === 201 && text !== undefined
  const nameAttribute = described.targetType === 'Group' ? 'displayName' : 'userName'
  return {
    tenantId: c.tenantId,
    at: new Date(c.atMs),
    requestId: c.requestId,
    tokenId: c.tokenId,
    idp: idpFromUserAgent(c.userAgent),
    userAgent: c.userAgent,
    method: c.method,
    path,
    query: query === undefined ? undefined : masker.maskQuery(query),
    action: described.action,
    summary: described.summary,
    targetType: described.targetType,
    targetId: c.id ?? (created ? firstString(text, 'id') : undefined),
    targetName: masker.isSensitive(nameAttribute) ? MASK : described.targetName,
    status: c.status,
    scimType: c.status >= 400 && text !== undefined ? firstString(text, 'scimType') : undefined,
    durationMs: c.durationMs,
    requestBody,
    responseBody
  }
}
