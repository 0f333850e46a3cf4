import type { Simulator } from './simulator.js'

export interface DemoBusiness {
  businessId: string
  accessToken: string
  adminId: string
  adminEmail: string
}

/**
 * A small business to click around in: two admins, an employee, a pending invite, a system
 * user, one asset of each type with an assignment, an agency and a client partner.
 */
export function seedDemo (sim: Simulator): DemoBusiness {
  const demo = sim.seedBusiness({
    name: 'Demo Business',
    admins: [
      { email: 'ada.lovelace@demo.example', firstName: 'Ada', lastName: 'Lovelace' },
      { email: 'grace.hopper@demo.example', firstName: 'Grace', lastName: 'Hopper' }
    ]
  })
  const id = demo.business.id
  const employee = sim.addMember(id, { email: 'alan.turing@demo.example', firstName: 'Alan', lastName: 'Turing', role: 'EMPLOYEE' })
  sim.addInvite(id, { email: 'katherine.johnson@demo.example', role: 'EMPLOYEE' })
  const adAccount = sim.addAsset(id, { type: 'ad_account', name: 'Demo Ads' })
  sim.addAsset(id, { type: 'page', name: 'Demo Page' })
  sim.addAsset(id, { type: 'pixel', name: 'Demo Pixel' })
  sim.addAsset(id, { type: 'product_catalog', name: 'Demo Catalog' })
  sim.addAsset(id, { type: 'instagram_account', name: 'demo_insta' })
  sim.addAsset(id, { type: 'whatsapp_business_account', name: 'Demo WhatsApp' })
  sim.assign(adAccount.id, employee.id, ['ADVERTISE', 'ANALYZE'])
  const agency = sim.addPartner(id, { kind: 'agency', name: 'Demo Agency' })
  adAccount.sharedWith.add(agency.id)
  sim.addPartner(id, { kind: 'client', name: 'Demo Client' })
  const admin = demo.admins[0]
  return { businessId: id, accessToken: demo.token, adminId: admin?.id ?? '', adminEmail: admin?.email ?? '' }
}
