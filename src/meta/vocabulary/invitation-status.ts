// `BusinessRoleRequest.status` is an enum without documented values: Meta's reference only says
// "such as accepted, declined, expired and so on" (Graph API reference, business role request).
// Open spellings seen or plausible include PENDING, PENDING_INVITE and sent. An invitation is
// therefore open unless its status clearly says it is closed; a closed one no longer holds a seat.

export type InvitationStatusKind = 'open' | 'accepted' | 'declined' | 'expired' | 'cancelled' | 'revoked' | 'deleted'

const CLOSED_WORDS: Record<string, Exclude<InvitationStatusKind, 'open'>> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
  REVOKED: 'revoked',
  DELETED: 'deleted'
}

/** What a status says, word by word and ignoring case: `INVITE_EXPIRED` is expired, `sent` open. */
export function invitationStatusKind (status: string | null | undefined): InvitationStatusKind {
  if (status === null || status === undefined) return 'open'
  for (const word of status.toUpperCase().split(/[^A-Z]+/)) {
    const closed = CLOSED_WORDS[word]
    if (closed !== undefined) return closed
  }
  return 'open'
}

export const invitationIsOpen = (status: string | null | undefined): boolean => invitationStatusKind(status) === 'open'
