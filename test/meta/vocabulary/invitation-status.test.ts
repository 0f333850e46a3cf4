import t from 'tap'
import { invitationIsOpen, invitationStatusKind } from '../../../src/meta/vocabulary/invitation-status.js'

t.test('an invitation is open unless its status clearly says closed', async (t) => {
  for (const open of ['PENDING', 'pending', 'PENDING_INVITE', 'sent', 'SENT', 'IN_PROGRESS', '', null, undefined]) {
    t.ok(invitationIsOpen(open), `${String(open)} is open`)
  }
  const closed: Array<[string, string]> = [
    ['ACCEPTED', 'accepted'], ['declined', 'declined'], ['Expired', 'expired'], ['INVITE_EXPIRED', 'expired'],
    ['CANCELED', 'cancelled'], ['cancelled', 'cancelled'], ['REVOKED', 'revoked'], ['deleted', 'deleted']
  ]
  for (const [status, kind] of closed) {
    t.equal(invitationStatusKind(status), kind, `${status} is ${kind}`)
    t.notOk(invitationIsOpen(status))
  }
})
