import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { findStoredKeySet, storeKeySet } from './jwks-cache-repository.js'

export interface JwksCacheOptions {
  /** Fewest milliseconds between two fetches of one key set caused by unknown `kid`s. */
  cooldownMs?: number
  /** A stored key set older than this is not trusted without a fresh fetch. */
  maxAgeMs?: number
  timeoutMs?: number
  maxBytes?: number
  now?: () => number
  fetch?: typeof fetch
}

export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError'
}

interface Entry { jwks: JSONWebKeySet, fetchedAt: number, getKey: JWTVerifyGetKey }

function kidsOf (jwks: JSONWebKeySet): Set<string> {
  return new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string'))
}

/**
 * Issuer key sets (RFC 7517) by URL, as Microsoft asks of WIF token endpoints: keys are cached
 * by `kid`; an unknown `kid` triggers a refetch, at most once per cooldown; when the key set
 * host is down, cached keys keep working and only an unknown `kid` fails. The last good set
 * is kept in the database, so a restart or another replica needs no fetch. jose selects and
 * imports the keys (createLocalJWKSet); this class only decides when to fetch.
 */
export class JwksCache {
  readonly #entries = new Map<string, Entry>()
  readonly #lastAttempt = new Map<string, number>()
  readonly #inFlight = new Map<string, Promise<Entry>>()
  readonly #cooldownMs: number
  readonly #maxAgeMs: number
  readonly #timeoutMs: number
  readonly #maxBytes: number
  readonly #now: () => number
  readonly #fetch: typeof fetch

  constructor (private readonly db: Kysely<DB>, options: JwksCacheOptions = {}) {
    this.#cooldownMs = options.cooldownMs ?? 60_000
    this.#maxAgeMs = options.maxAgeMs ?? 7 * 86_400_000
    this.#timeoutMs = options.timeoutMs ?? 5_000
    this.#maxBytes = options.maxBytes ?? 65_536
    this.#now = options.now ?? Date.now
    this.#fetch = options.fetch ?? fetch
  }

  /** How many network fetches ran (for tests and metrics). */
  fetches = 0

  /** The key resolver for one verification: known `kid` → cached key; unknown → one bounded refetch. */
  async keyFor (uri: string, kid: string | undefined): Promise<JWTVerifyGetKey> {
    let entry = this.#entries.get(uri) ?? await this.#load(uri)
    const known = entry !== undefined && kid !== undefined && kidsOf(entry.jwks).has(kid)
    const stale = entry !== undefined && this.#now() - entry.fetchedAt > this.#maxAgeMs
    if (entry === undefined || stale || !known) {
      const lastAttempt = this.#lastAttempt.get(uri)
      if (entry === undefined || lastAttempt === undefined || this.#now() - lastAttempt >= this.#cooldownMs) {
        try {
          entry = await this.#refresh(uri)
        } catch (err) {
          // Microsoft: fail only when the kid is unknown and the key set cannot be fetched.
          if (entry === undefined || !known) throw err
        }
      }
    }
    if (entry === undefined) throw new JwksUnavailableError('no key set')
    return entry.getKey
  }

  async #load (uri: string): Promise<Entry | undefined> {
    const row = await findStoredKeySet(this.db, uri)
    if (!row) return undefined
    const jwks = row.jwks as JSONWebKeySet
    const entry = { jwks, fetchedAt: row.fetched_at.getTime(), getKey: createLocalJWKSet(jwks) }
    this.#entries.set(uri, entry)
    return entry
  }

  #refresh (uri: string): Promise<Entry> {
    const running = this.#inFlight.get(uri)
    if (running) return running
    this.#lastAttempt.set(uri, this.#now())
    const work = this.#fetchSet(uri).finally(() => this.#inFlight.delete(uri))
    this.#inFlight.set(uri, work)
    return work
  }

  async #fetchSet (uri: string): Promise<Entry> {
    this.fetches++
    let res: Response
    try {
      // No redirects: the key set comes from the configured URL or not at all.
      res = await this.#fetch(uri, {
        redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs), headers: { accept: 'application/json' }
      })
    } catch (err) {
      throw new JwksUnavailableError(`key set fetch failed: ${(err as Error).message}`)
    }
    if (res.status !== 200) throw new JwksUnavailableError(`key set answered HTTP ${res.status}`)
    const text = await res.text()
    if (Buffer.byteLength(text) > this.#maxBytes) throw new JwksUnavailableError('key set is too large')
    let jwks: JSONWebKeySet
    try {
      jwks = JSON.parse(text) as JSONWebKeySet
      if (!Array.isArray(jwks.keys)) throw new Error('no keys array')
    } catch {
      throw new JwksUnavailableError('key set is not a JWK Set')
    }
    const entry = { jwks, fetchedAt: this.#now(), getKey: createLocalJWKSet(jwks) }
    this.#entries.set(uri, entry)
    await storeKeySet(this.db, uri, jwks, new Date(entry.fetchedAt))
    return entry
  }
}
