import { createHmac } from 'node:crypto'

/**
 * Timestamped appsecret_proof (docs/meta-graph-api.md §7): HMAC-SHA256(key = app secret,
 * msg = access_token + "|" + unix_time), lowercase hex, sent with `appsecret_time`. Proofs
 * expire after 5 minutes, so one is generated per request (and per page, §1.5).
 */
export function appSecretProof (accessToken: string, appSecret: string, unixTime: number): string {
  return createHmac('sha256', appSecret).update(`${accessToken}|${unixTime}`).digest('hex')
}

/** The pair of parameters to add to a request. */
export function appSecretParams (accessToken: string, appSecret: string, nowMs: number): {
  appsecret_proof: string
  appsecret_time: string
} {
  const unixTime = Math.floor(nowMs / 1000)
  return {
    appsecret_proof: appSecretProof(accessToken, appSecret, unixTime),
    appsecret_time: String(unixTime)
  }
}
