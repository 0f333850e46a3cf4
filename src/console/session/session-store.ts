import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { deleteExpiredSessions, deleteSession, findSession, insertSession, touchSession } from './console-repository.js'

/** Who is signed in, as a request sees it. */
export interface ConsoleSession {
  idHash: string
  actor: string
  method: 'oidc' | 'token'
  subject: string
  createdAt: Date
  expiresAt: Date
}

export interface SessionLifetimes {
  /** Signed out after this long without a request. */
  idleMs: number
  /** Signed out this long after signing in, whatever happens. */
  absoluteMs: number
}

/** A random session id for the cookie (256 bits, base64url). */
export const newSecret = (): string => randomBytes(32).toString('base64url')
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex')

/** Only a request more than this after the last recorded one writes `last_seen_at` again. */
const TOUCH_AFTER_MS = 60_000

/**
 * Server-side sessions in `console_sessions`. The clock is injected so tests move time instead
 * of waiting. OWASP Session Management Cheat Sheet: random ids, stored hashed, idle and absolute
 * timeouts enforced on the server, a new id at every sign-in.
 */
export class SessionStore {
  constructor (
    private readonly db: Kysely<DB>,
    private readonly lifetimes: SessionLifetimes,
    private readonly now: () => Date = () => new Date()
  ) {}

  /** A new session; returns the secret for the cookie (never stored). */
  async create (who: { actor: string, method: 'oidc' | 'token', subject: string, issuer: string | null }): Promise<{ secret: string, session: ConsoleSession }> {
    const secret = newSecret()
    const at = this.now()
    const expiresAt = new Date(at.getTime() + this.lifetimes.absoluteMs)
    const idHash = hashSecret(secret)
    await insertSession(this.db, {
      id_hash: idHash,
      actor: who.actor,
      method: who.method,
      subject: who.subject,
      issuer: who.issuer,
      created_at: at,
      last_seen_at: at,
      expires_at: expiresAt
    })
    // Expired rows of anyone go with each sign-in: the table stays the size of the live sessions.
    await deleteExpiredSessions(this.db, at)
    return {
      secret, session: { idHash, actor: who.actor, method: who.method, subject: who.subject, createdAt: at, expiresAt }
    }
  }

  /** The live session the cookie names, or undefined (unknown, idle too long, or past its end). */
  async resolve (secret: string): Promise<ConsoleSession | undefined> {
    const idHash = hashSecret(secret)
    const row = await findSession(this.db, idHash)
    if (row === undefined) return undefined
    const at = this.now()
    const idleEnd = new Date(row.last_seen_at).getTime() + this.lifetimes.idleMs
    if (at.getTime() >= new Date(row.expires_at).getTime() || at.getTime() >= idleEnd) {
      await deleteSession(this.db, idHash)
      return undefined
    }
    if (at.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_AFTER_MS) {
      await touchSession(this.db, idHash, at)
    }
    return {
      idHash,
      actor: row.actor,
      method: row.method,
      subject: row.subject,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at)
    }
  }

  async revoke (idHash: string): Promise<void> {
    await deleteSession(this.db, idHash)
  }
}
