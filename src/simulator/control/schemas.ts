import { z } from 'zod'
import {
  enumTuple, INVITED_USER_TYPES, ROLES, SIM_ASSET_TYPES, TWO_FACTOR_TYPES, type SimAssetType
} from '../vocabulary.js'

// Bodies of the /__sim control endpoints (not part of Meta's API).

const role = z.enum(enumTuple(ROLES))

export const PersonBody = z.object({
  email: z.string().min(3),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  role: role.optional(),
  tasks: z.array(role).optional(),
  twoFacStatus: z.string().optional(),
  workAccount: z.boolean().optional()
})

export const BusinessBody = z.object({
  name: z.string().optional(),
  parentId: z.string().nullable().optional(),
  twoFactorType: z.enum(enumTuple(TWO_FACTOR_TYPES)).optional(),
  appSecret: z.string().nullable().optional(),
  requireAppSecret: z.boolean().optional(),
  claimApp: z.boolean().optional(),
  appId: z.string().optional(),
  admins: z.array(PersonBody).optional(),
  systemUserRole: role.optional()
})

export const InviteBody = z.object({
  email: z.string().min(3),
  role: role.optional(),
  tasks: z.array(role).optional(),
  invitedUserType: z.array(z.enum(enumTuple(INVITED_USER_TYPES))).optional()
})

export const SystemUserBody = z.object({
  name: z.string(),
  role: role.optional(),
  withToken: z.boolean().optional(),
  twoFactorVerified: z.boolean().optional()
})

export const TokenBody = z.object({
  appId: z.string().optional(),
  actor: z.object({ kind: z.enum(['system_user', 'member']), id: z.string() }),
  role,
  twoFactorVerified: z.boolean().optional(),
  expiresAt: z.number().nullable().optional(),
  value: z.string().optional(),
  permissions: z.array(z.string()).optional()
})

export const AssetBody = z.object({
  type: z.enum(SIM_ASSET_TYPES as [SimAssetType, ...SimAssetType[]]),
  name: z.string().optional(),
  sharedWith: z.array(z.string()).optional(),
  unreadable: z.boolean().optional()
})

export const PermissionsBody = z.object({
  grant: z.array(z.string().min(1)).optional(),
  revoke: z.array(z.string().min(1)).optional()
}).strict()

export const ReadableBody = z.object({ readable: z.boolean() }).strict()

export const PartnerBody = z.object({ kind: z.enum(['agency', 'client']), name: z.string().optional() })

export const AssignmentBody = z.object({ user: z.string(), tasks: z.array(z.string()).min(1) })

export const AcceptBody = z.object({ firstName: z.string().optional(), lastName: z.string().optional() }).default({})

export const FaultBody = z.object({
  route: z.string(),
  pathIncludes: z.string().optional(),
  times: z.number().int().positive().optional(),
  delayMs: z.number().int().nonnegative().optional(),
  holdAnswerMs: z.number().int().nonnegative().optional(),
  status: z.number().int().min(100).max(599).optional(),
  error: z.object({
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    type: z.string().optional(),
    message: z.string().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional()
  }).optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  batchNull: z.boolean().optional()
})

export const UsageBody = z.object({ bucket: z.string(), pct: z.number().min(0).max(100) })

export const CallsQuery = z.object({
  route: z.string().optional(),
  since: z.coerce.number().int().optional()
})
