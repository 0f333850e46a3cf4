import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'

// The rule of docs/architecture.md "Where SQL lives": only repositories build queries. This
// reads the source with the TypeScript parser (no regex over comments or strings) and reports
// every place that breaks it, so a test can assert the list is empty.

/** kysely's entry points into a query: `db.selectFrom(…)`, `trx.insertInto(…)`, `db.with(…)`… */
const QUERY_METHODS = new Set([
  'selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto',
  'with', 'withRecursive', 'executeQuery'
])

export interface SourceFile { path: string, text: string }

/** Files that may build SQL: repositories, the private `*-sql.ts` helpers, and `src/db/`. */
export function mayHoldSql (path: string): boolean {
  return path.endsWith('-repository.ts') || isSqlHelper(path) || path.startsWith('src/db/')
}

export const isSqlHelper = (path: string): boolean => path.endsWith('-sql.ts')
const isRepository = (path: string): boolean => path.endsWith('-repository.ts')

/** `./filter-sql.js` from `src/directory/users-repository.ts` → `src/directory/filter-sql.ts`. */
function resolveImport (from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts')
}

function isValueSqlImport (node: ts.ImportDeclaration): boolean {
  const module = (node.moduleSpecifier as ts.StringLiteral).text
  if (module !== 'kysely' && !module.startsWith('kysely/')) return false
  const clause = node.importClause
  if (clause === undefined || clause.isTypeOnly) return false
  const named = clause.namedBindings
  if (named === undefined || !ts.isNamedImports(named)) return false
  return named.elements.some((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === 'sql')
}

/** Every breach of the rule in these files, as `path:line: what`. */
export function sqlBoundaryViolations (files: readonly SourceFile[]): string[] {
  const out: string[] = []
  for (const file of files) {
    const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
    const report = (node: ts.Node, what: string): void => {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
      out.push(`${file.path}:${line}: ${what}`)
    }
    const sqlAllowed = mayHoldSql(file.path)
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
        const target = resolveImport(file.path, (node.moduleSpecifier as ts.StringLiteral).text)
        if (target !== undefined && isSqlHelper(target) && !isRepository(file.path) && !isSqlHelper(file.path)) {
          report(node, `imports ${target}, a SQL helper private to repositories`)
        }
        if (!sqlAllowed && ts.isImportDeclaration(node) && isValueSqlImport(node)) {
          report(node, "imports kysely's sql template outside a repository")
        }
      }
      if (!sqlAllowed && ts.isPropertyAccessExpression(node) && QUERY_METHODS.has(node.name.text)) {
        report(node, `builds a query (.${node.name.text}) outside a repository`)
      }
      const tag = ts.isTaggedTemplateExpression(node) ? node.tag.getText(source).replace(/<.*$/s, '') : undefined
      if (!sqlAllowed && tag === 'sql') {
        report(node, 'writes a sql`…` template outside a repository')
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return out
}

/** Every `.ts` file under `dir` of the repository, with paths relative to the repository root. */
export function readSources (root: string, dir: string): SourceFile[] {
  const files: SourceFile[] = []
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) {
        files.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') })
      }
    }
  }
  walk(join(root, dir))
  return files.sort((a, b) => a.path.localeCompare(b.path))
}
