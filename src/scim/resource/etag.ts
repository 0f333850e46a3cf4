/** RFC 7644 §3.14: a weak entity tag from the resource's version counter. */
export function formatEtag (version: number): string {
  return `W/"${version}"`
}

/**
 * Whether an `If-Match` / `If-None-Match` header names this version. `*` matches any existing
 * resource; tags compare weakly (RFC 9110 §8.8.3.2), so `"3"` and `W/"3"` both match version 3.
 */
export function etagMatches (header: string, version: number): boolean {
  const wanted = `"${version}"`
  return header.split(',').some((raw) => {
    const tag = raw.trim()
    return tag === '*' || tag.replace(/^W\//i, '') === wanted
  })
}
