// Classification of Graph API errors by body, never by HTTP status (docs/meta-graph-api.md §4.1, §4.2, §4.3).

export type MetaErrorClass =
  | 'transient' // retry with jittered backoff (§4.3)
  | 'rate_limited' // pause the bucket (§5.4)
  | 'auth' // token invalid or expired: stop and report
  | 'permission' // the actor may not do this (incl. app ownership, 2FA)
  | 'invalid_request' // a bug or bad input on our side: never retry
  | 'business_rule' // Meta refused by rule: 3914 last admin, 1752129 task combination
  | 'not_found' // the object is gone (deletes treat this as done)
  | 'unexpected' // unknown code or a response that does not match its schema

export interface ErrorRow {
  code: number | readonly [number, number] // single code or inclusive range
  subcode?: number
  errorClass: MetaErrorClass
  meaning: string
  verified: boolean // false = [U] in docs/meta-graph-api.md
}

// Order matters: the first row whose code and subcode match wins, so subcode rows come first.
export const META_ERROR_TABLE: readonly ErrorRow[] = [
  { code: 100, subcode: 1752129, errorClass: 'business_rule', meaning: 'unsupported task combination', verified: true },
  { code: 100, subcode: 1752100, errorClass: 'invalid_request', meaning: 'user is not business-scoped', verified: false },
  // [U] §4.3 "404/100 on missing": Graph's usual "Unsupported get request. Object ... does not exist".
  { code: 100, subcode: 33, errorClass: 'not_found', meaning: 'object does not exist', verified: false },
  { code: 803, errorClass: 'not_found', meaning: 'alias does not exist', verified: false },
  { code: 17, subcode: 2446079, errorClass: 'rate_limited', meaning: 'Ads API <= v3.3 token limit', verified: true },
  { code: 613, subcode: 1996, errorClass: 'rate_limited', meaning: 'inconsistent request volume', verified: true },
  { code: 1, errorClass: 'transient', meaning: 'API unknown (temporary)', verified: true },
  { code: 2, errorClass: 'transient', meaning: 'API service (temporary downtime)', verified: true },
  { code: 3, errorClass: 'permission', meaning: 'API method (capability)', verified: true },
  { code: 4, errorClass: 'rate_limited', meaning: 'app request limit reached', verified: true },
  { code: 10, errorClass: 'permission', meaning: 'permission denied', verified: true },
  { code: 17, errorClass: 'rate_limited', meaning: 'user request limit reached', verified: true },
  { code: 32, errorClass: 'rate_limited', meaning: 'Pages limit with user/app token', verified: true },
  { code: 100, errorClass: 'invalid_request', meaning: 'invalid parameter', verified: true },
  { code: 102, errorClass: 'auth', meaning: 'API session invalid', verified: true },
  { code: 104, errorClass: 'auth', meaning: 'incorrect signature / missing token', verified: true },
  { code: 190, errorClass: 'auth', meaning: 'invalid or expired OAuth token', verified: true },
  { code: [200, 299], errorClass: 'permission', meaning: 'permissions error', verified: true },
  { code: 341, errorClass: 'rate_limited', meaning: 'application limit reached', verified: true },
  // 368 is a policy block ("retry: yes, long and alert"); pausing is the safe long retry.
  { code: 368, errorClass: 'rate_limited', meaning: 'temporarily blocked for policy', verified: true },
  { code: 370, errorClass: 'invalid_request', meaning: 'invalid call to update this page', verified: true },
  // 415: needs a 2FA-compliant actor; a configuration problem, not retryable.
  { code: 415, errorClass: 'permission', meaning: 'two-factor authentication required', verified: true },
  { code: 452, errorClass: 'auth', meaning: 'session key invalid', verified: true },
  { code: 457, errorClass: 'auth', meaning: 'session has an invalid origin', verified: true },
  { code: 506, errorClass: 'invalid_request', meaning: 'duplicate post', verified: true },
  { code: 613, errorClass: 'rate_limited', meaning: 'custom rate limit', verified: true },
  { code: 2620, errorClass: 'invalid_request', meaning: 'invalid call to update account permissions', verified: true },
  // [U] §1.1: exact code for a deprecated/unknown version.
  { code: 2635, errorClass: 'invalid_request', meaning: 'deprecated API version', verified: false },
  { code: 3914, errorClass: 'business_rule', meaning: 'cannot remove or demote the last admin', verified: true },
  { code: 3919, errorClass: 'transient', meaning: 'unexpected technical issue, try again', verified: true },
  { code: 3962, errorClass: 'invalid_request', meaning: 'provided permission not valid', verified: true },
  { code: [80000, 80014], errorClass: 'rate_limited', meaning: 'Business Use Case throttle', verified: true }
]

export interface ErrorFacts {
  code: number | null
  subcode: number | null
  isTransient: boolean
}

function codeMatches (row: ErrorRow, code: number): boolean {
  return typeof row.code === 'number' ? row.code === code : code >= row.code[0] && code <= row.code[1]
}

/** Finds the table row for an error body, if any. */
export function findErrorRow (code: number, subcode: number | null): ErrorRow | undefined {
  return META_ERROR_TABLE.find(row =>
    codeMatches(row, code) && (row.subcode === undefined || row.subcode === subcode))
}

/**
 * Classifies an error from its body (§4.1: "classify by the body, never by HTTP status alone").
 * `is_transient: true` makes an otherwise unknown or client-class error transient (§4.3), but
 * never overrides a rate limit, auth or business rule: retrying those in a loop is what Meta
 * says extends a block.
 */
export function classifyMetaError (facts: ErrorFacts): MetaErrorClass {
  if (facts.code === null) return facts.isTransient ? 'transient' : 'unexpected'
  const row = findErrorRow(facts.code, facts.subcode)
  const base = row?.errorClass ?? 'unexpected'
  if (facts.isTransient && (base === 'unexpected' || base === 'invalid_request')) return 'transient'
  return base
}

/** Whether an error of this class may be retried by the caller at all (§4.3). */
export function isRetryableClass (errorClass: MetaErrorClass): boolean {
  return errorClass === 'transient' || errorClass === 'rate_limited'
}
