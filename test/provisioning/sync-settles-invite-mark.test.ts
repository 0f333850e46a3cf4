import t from 'tap'
import { savePerson } from '../../src/provisioning/records/people-repository.js'
import { provisioningHarness } from './helpers/harness.js'
import { syncOnce } from './helpers/sync.js'

// The write-ahead mark of an invitation (invite_attempted_at) says "an invite was sent and its
// answer is unknown": the next reconcile looks for it in Meta before inviting again. A sync that
// finds the invitation (or the member it became) has settled the question, so it clears the mark
// along with recording what it found.

t.test('a sync that finds the invitation or the member clears the invitation mark', async (t) => {
  const h = await provisioningHarness(t)
  const pending = await h.createUser('pending@example.com')
  const joined = await h.createUser('joined@example.com')
  // The process died between the invite call and its answer: the records hold only the mark.
  const markedAt = new Date('2026-06-01T12:00:00Z')
  for (const userId of [pending, joined]) {
    await savePerson(h.db, h.tenantId, userId, { email: userId === pending ? 'pending@example.com' : 'joined@example.com', inviteAttemptedAt: markedAt }, 0)
  }
  t.same((await h.person(pending))?.inviteAttemptedAt, markedAt, 'the mark is set before the sync')
  const invite = h.sim.addInvite(h.businessId, { email: 'pending@example.com', role: 'EMPLOYEE' })
  const accepted = h.sim.acceptInvite(h.sim.addInvite(h.businessId, { email: 'joined@example.com', role: 'EMPLOYEE' }).id)

  const run = await syncOnce(h)
  t.equal(run.status, 'succeeded', run.error ?? '')
  t.match(await h.person(pending), { state: 'invited', inviteId: invite.id, inviteAttemptedAt: null }, 'the invitation is recorded and the mark cleared')
  t.match(await h.person(joined), { state: 'member', businessUserId: accepted.id, inviteAttemptedAt: null }, 'the member is recorded and the mark cleared')
})
