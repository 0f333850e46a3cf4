import adAccount from './meta-spec/AdAccount.json' with { type: 'json' }
import adsPixel from './meta-spec/AdsPixel.json' with { type: 'json' }
import assignedUser from './meta-spec/AssignedUser.json' with { type: 'json' }
import business from './meta-spec/Business.json' with { type: 'json' }
import businessRoleRequest from './meta-spec/BusinessRoleRequest.json' with { type: 'json' }
import businessUser from './meta-spec/BusinessUser.json' with { type: 'json' }
import enumTypes from './meta-spec/enum_types.json' with { type: 'json' }
import instagramBusinessAsset from './meta-spec/InstagramBusinessAsset.json' with { type: 'json' }
import page from './meta-spec/Page.json' with { type: 'json' }
import productCatalog from './meta-spec/ProductCatalog.json' with { type: 'json' }
import systemUser from './meta-spec/SystemUser.json' with { type: 'json' }
import whatsAppBusinessAccount from './meta-spec/WhatsAppBusinessAccount.json' with { type: 'json' }

// Meta's own API spec (facebook-business-sdk-codegen, see meta-spec/README.md) as the
// simulator's vocabulary: which node types exist, which fields each has, which edges and
// methods it answers and which values each enum takes. docs/meta-graph-api.md §0.

export type SpecMethod = 'GET' | 'POST' | 'DELETE'

export interface SpecParam {
  name: string
  type: string
  required: boolean
}

export interface SpecEdge {
  method: SpecMethod
  /** The edge name, or null for the node itself (`#get`, `#update`, `#delete`). */
  endpoint: string | null
  returns: string
  params: ReadonlyMap<string, SpecParam>
}

export interface SpecNode {
  name: string
  /** Field name → type, e.g. `tasks` → `list<string>`. */
  fields: ReadonlyMap<string, string>
  edges: readonly SpecEdge[]
}

interface RawParam {
  name: string
  type: string
  required?: boolean
}

interface RawSpec {
  apis: Array<{ method: string, endpoint?: string, name?: string, return?: string, params?: RawParam[] }>
  fields: Array<{ name: string, type: string }>
}

const RAW: Record<string, RawSpec> = {
  AdAccount: adAccount,
  AdsPixel: adsPixel,
  AssignedUser: assignedUser,
  Business: business,
  BusinessRoleRequest: businessRoleRequest,
  BusinessUser: businessUser,
  InstagramBusinessAsset: instagramBusinessAsset,
  Page: page,
  ProductCatalog: productCatalog,
  SystemUser: systemUser,
  WhatsAppBusinessAccount: whatsAppBusinessAccount
}

function toNode (name: string, raw: RawSpec): SpecNode {
  return {
    name,
    fields: new Map(raw.fields.map(f => [f.name, f.type])),
    edges: raw.apis.map(a => ({
      method: a.method as SpecMethod,
      endpoint: a.endpoint ?? null,
      returns: a.return ?? 'Object',
      params: new Map((a.params ?? []).map(p => [p.name, { ...p, required: p.required === true }]))
    }))
  }
}

export const SPEC_NODES: ReadonlyMap<string, SpecNode> =
  new Map(Object.entries(RAW).map(([n, raw]) => [n, toNode(n, raw)]))

const ENUMS: ReadonlyMap<string, readonly string[]> = new Map(
  (enumTypes as Array<{ name: string, values: string[] }>).map(e => [e.name, e.values])
)

export function specNode (name: string): SpecNode {
  const node = SPEC_NODES.get(name)
  if (node === undefined) throw new Error(`no spec for node type ${name}`)
  return node
}

/** The edge (or the node itself when `endpoint` is null) answering `method`, if the spec has it. */
export function specEdge (
  nodeName: string, endpoint: string | null, method: SpecMethod
): SpecEdge | undefined {
  return specNode(nodeName).edges.find(e => e.endpoint === endpoint && e.method === method)
}

/** Values of an enum, by its name in enum_types.json. */
export function specEnum (name: string): readonly string[] {
  const values = ENUMS.get(name)
  if (values === undefined) throw new Error(`no spec enum ${name}`)
  return values
}

/** The enum a param's type names (`list<x>` or `x`), when it names one. */
export function enumOfType (type: string): readonly string[] | undefined {
  const inner = /^list<(.+)>$/.exec(type)?.[1] ?? type
  return ENUMS.get(inner)
}

/** Values accepted for a param of an edge, from its enum type. */
export function paramEnum (
  nodeName: string, endpoint: string | null, method: SpecMethod, param: string
): readonly string[] {
  const type = specEdge(nodeName, endpoint, method)?.params.get(param)?.type
  const values = type === undefined ? undefined : enumOfType(type)
  if (values === undefined) throw new Error(`${nodeName} ${method} ${endpoint ?? '#'} has no enum param ${param}`)
  return values
}
