import { z } from 'zod'

// zod schemas for the Graph responses the client reads (docs/meta-graph-api.md §6). Field names
// stay as on the wire. Only `id` is required: which other fields appear depends on `fields=`
// (§1.4). Roles, task names, types and statuses are read as plain strings: Meta returns values
// outside its own enums (§3.2), and an unknown value is data to keep and show, never a reason
// to fail a call or a sync. What the client sends is checked against the spec's enums instead.

const name = z.string()
const names = z.array(z.string())
const businessRef = z.object({ id: z.string(), name: z.string().optional() })

/** §4.1 error envelope; `code` sometimes arrives as a numeric string. */
export const GraphErrorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional()
  })
})
export type GraphErrorEnvelope = z.infer<typeof GraphErrorEnvelopeSchema>

/** §1.5 paging block. */
export const PagingSchema = z.object({
  cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
  next: z.string().optional(),
  previous: z.string().optional()
})

export function pageSchema<T extends z.ZodType> (item: T) {
  return z.object({
    data: z.array(item),
    paging: PagingSchema.optional(),
    summary: z.object({ total_count: z.number().optional() }).optional()
  })
}

/** BusinessUser (§6): a member who accepted (P1, P3). */
export const BusinessUserSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  role: name.optional(),
  tasks: names.optional(),
  title: z.string().optional(),
  finance_permission: z.string().nullable().optional(),
  ip_permission: z.string().nullable().optional(),
  pending_email: z.string().nullable().optional(),
  marked_for_removal: z.boolean().optional(),
  two_fac_status: z.string().optional(),
  // Not a BusinessUser field in Meta's spec (§6, §10): never asked for, kept if it appears.
  invited_user_type: names.optional(),
  business: businessRef.optional()
})
export type BusinessUser = z.infer<typeof BusinessUserSchema>

/** BusinessRoleRequest (§6): a pending invite (P6, P7). Status spellings are [U] (§3.1). */
export const BusinessRoleRequestSchema = z.object({
  id: z.string(),
  email: z.string().optional(),
  role: name.optional(),
  tasks: names.optional(),
  status: z.string().optional(),
  invited_user_type: names.optional(),
  expiration_time: z.string().optional(),
  created_time: z.string().optional(),
  updated_time: z.string().optional(),
  finance_role: z.string().nullable().optional(),
  ip_role: z.string().nullable().optional(),
  invite_link: z.string().optional(),
  owner: businessRef.optional()
})
export type BusinessRoleRequest = z.infer<typeof BusinessRoleRequestSchema>

/** SystemUser (§6, P12). The spec gives it no `role` field. */
export const SystemUserSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  created_time: z.string().optional(),
  finance_permission: z.string().nullable().optional(),
  ip_permission: z.string().nullable().optional()
})
export type SystemUser = z.infer<typeof SystemUserSchema>

/** A partner Business as listed by `agencies` / `clients` (§2.4). */
export const PartnerBusinessSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  adaccount_permissions: z.array(z.unknown()).optional(),
  application_permissions: z.array(z.unknown()).optional(),
  page_permissions: z.array(z.unknown()).optional(),
  productcatalog_permissions: z.array(z.unknown()).optional(),
  shared_ca_count: z.number().optional()
})
export type PartnerBusiness = z.infer<typeof PartnerBusinessSchema>

/**
 * An asset node from the §2.2 lists; ad accounts carry `act_<n>` ids and `account_id` (§1.7);
 * Instagram assets have no `name`, only `ig_user_id` and `ig_username`.
 */
export const AssetNodeSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  account_id: z.string().optional(),
  ig_user_id: z.string().optional(),
  ig_username: z.string().optional()
})
export type AssetNode = z.infer<typeof AssetNodeSchema>

/**
 * AssignedUser on an asset (§2.3, §6). Task names are strings: Meta reads back names outside
 * the asset's enum (FB_EMPLOYEE_DSO_ADVERTISE, FULL_CONTROL, ...), and Instagram rows carry no
 * `permitted_tasks` at all.
 */
export const AssignedUserSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  user_type: z.string().optional(),
  business: businessRef.optional(),
  tasks: names.optional(),
  permitted_tasks: names.optional()
})
export type AssignedUser = z.infer<typeof AssignedUserSchema>

export const SuccessSchema = z.object({ success: z.boolean() })
export const IdSchema = z.object({ id: z.string() })
