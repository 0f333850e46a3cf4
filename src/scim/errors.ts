/** RFC 7644 §3.12, Table 9: the scimType values and the status each goes with. */
export const scimTypeStatus = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403
} as const

export type ScimType = keyof typeof scimTypeStatus

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA]
  status: string
  scimType?: ScimType
  detail?: string
}

/**
 * The one error type the SCIM edge serialises (RFC 7644 §3.12). A scimType forces its own
 * status, so an illegal pair such as 404 + invalidFilter cannot be built.
 */
export class ScimError extends Error {
  override name = 'ScimError'
  readonly status: number
  readonly scimType: ScimType | undefined

  constructor (status: number, scimType: ScimType | undefined, detail: string) {
    super(detail)
    this.status = scimType ? scimTypeStatus[scimType] : status
    this.scimType = scimType
  }

  static of (scimType: ScimType, detail: string): ScimError {
    return new ScimError(scimTypeStatus[scimType], scimType, detail)
  }
}

/** RFC 7644 §3.12: `status` is a string in the body. */
export function scimErrorBody (status: number, detail?: string, scimType?: ScimType): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(status) }
  if (scimType) body.scimType = scimType
  if (detail) body.detail = detail
  return body
}
