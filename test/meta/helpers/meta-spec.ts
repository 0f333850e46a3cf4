import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// Reads Meta's spec files straight from disk, independently of the simulator's own loader, so
// the contract test checks the client against the files themselves (docs/meta-graph-api.md §0).

export const SPEC_DIR = 'src/simulator/graph/meta-spec'

export interface Param { name: string, type: string, required?: boolean }
export interface Api { method: string, endpoint?: string, name?: string, return?: string, params?: Param[] }
export interface NodeSpec { apis: Api[], fields: Array<{ name: string, type: string }> }

export const NODES: ReadonlyMap<string, NodeSpec> = new Map(readdirSync(SPEC_DIR)
  .filter(f => f.endsWith('.json') && f !== 'enum_types.json')
  .map(f => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(SPEC_DIR, f), 'utf8')) as NodeSpec]))

export const ENUMS: ReadonlyMap<string, readonly string[]> = new Map(
  (JSON.parse(readFileSync(join(SPEC_DIR, 'enum_types.json'), 'utf8')) as Array<{ name: string, values: string[] }>)
    .map(e => [e.name, e.values])
)

/** The edge `endpoint` of a node (null: the node itself) answering `method`. */
export function apiOf (node: string, endpoint: string | null, method: string): Api | undefined {
  return NODES.get(node)?.apis.find(a => (a.endpoint ?? null) === endpoint && a.method === method)
}

export function fieldsOf (node: string): Set<string> {
  return new Set(NODES.get(node)?.fields.map(f => f.name) ?? [])
}

/** The enum a param type names (`x` or `list<x>`), if any. */
export function enumOf (type: string): readonly string[] | undefined {
  return ENUMS.get(/^list<(.+)>$/.exec(type)?.[1] ?? type)
}

export function isListType (type: string): boolean {
  return type.startsWith('list<')
}
