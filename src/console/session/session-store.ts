import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { createSecretBox } from '../../crypto/secret-box.js'
import type { DB } from '../../db/schema.js'
import { isConsoleRole, type ConsoleAccess, type ConsoleRole } from '../auth/roles.js'
import { deleteExpiredSessions, deleteSession, findSession, insertSession, touchSession } from './console-repository.js'

/** Who is signed in, as a request sees it. */
export interface ConsoleSession {
  idHash: string
  actor: string
  method: 'oidc' | 'token'
  subject: string
  /** The roles the sign-in granted, and on which tenants. */
  access: ConsoleAccess
  /** Whether an ID token is kept for signing out at the IdP too. */
  hasIdToken: boolean
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

/**
 * The ID token is sealed (AES-256-GCM) under a key derived from the cookie's secret, which the
 * database never holds: a copy of the table reveals no ID token, and no server key is needed.
 */
const idTokenBox = (secret: string) => createSecretBox(createHmac('sha256', secret).update('console-id-token-v1').digest())
const idTokenContext = (idHash: string): string => `console-session:${idHash}:id_token`

function accessOf (role: string | null, tenants: unknown): ConsoleAccess {
  const scoped: Record<string, ConsoleRole> = {}
  if (tenants !== null && typeof tenants === 'object') {
    for (const [id, r] of Object.entries(tenants)) if (isConsoleRole(r)) scoped[id] = r
  }
  return { role: isConsoleRole(role) ? role : null, tenants: scoped }
}

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
  async create (who: {
    actor: string, method: 'oidc' | 'token', subject: string, issuer: string | null, access: ConsoleAccess, idToken?: string | undefined
  }): Promise<{ secret: string, session: ConsoleSession }> {
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
      role: who.access.role,
      tenant_roles: JSON.stringify(who.access.tenants),
      id_token_sealed: who.idToken === undefined ? null : idTokenBox(secret).seal(who.idToken, idTokenContext(idHash)),
      created_at: at,
      last_seen_at: at,
      expires_at: expiresAt
    })
    // Expired rows of anyone go with each sign-in: the table stays the size of the live sessions.
    await deleteExpiredSessions(this.db, at)
    return {
      secret,
      session: {
        idHash,
        actor: who.actor,
        method: who.method,
        subject: who.subject,
        access: who.access,
        hasIdToken: who.idToken !== undefined,
        createdAt: at,
        expiresAt
      }
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
      access: accessOf(row.role, row.tenant_roles),
      hasIdToken: row.id_token_sealed !== null,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at)
    }
  }

  /**
   * Ends the session; returns its ID token (for `id_token_hint` at the IdP) when one was kept
   * and the secret opens it.
   */
  async revoke (idHash: string, secret?: string): Promise<{ idToken: string | undefined }> {
    const row = secret === undefined ? undefined : await findSession(this.db, idHash)
    await deleteSession(this.db, idHash)
    const sealed = row?.id_token_sealed
    if (secret === undefined || sealed === null || sealed === undefined) return { idToken: undefined }
    try {
      return { idToken: idTokenBox(secret).open(sealed, idTokenContext(idHash)) }
    } catch {
      return { idToken: undefined }
    }
  }
}
