/**
 * Every input limit of the SCIM API in one place, so docs/scim.md, the `/Schemas` descriptions
 * and the checks cannot drift apart. Lengths count UTF-16 code units (JavaScript's
 * `String.length`): a code unit is at most 3 bytes in UTF-8 and a surrogate pair 4 bytes for 2.
 */
export const scimLimits = {
  /**
   * `userName`, `externalId` and `displayName` live in indexed columns. A PostgreSQL btree
   * entry holds about 2,700 bytes (a third of an 8 KB page); 512 code units are at most
   * 1,536 bytes of UTF-8, with room for the tenant id beside them in the index.
   */
  indexedStringLength: 512,
  /** Every other string value (a `title`, an address, an email). */
  stringLength: 4096,
  /** Values of one multi-valued attribute other than `members` (emails, phoneNumbers, roles…). */
  multiValuedCount: 256,
  /** The stored resource without its members, as JSON text. */
  resourceJsonLength: 65_536,
  /** `filter` text, before parsing. */
  filterLength: 4096,
  /** Parentheses and value-path brackets open at once inside one filter. */
  filterDepth: 16,
  /** Comparisons and `pr` tests in one filter. */
  filterTerms: 50,
  /**
   * Conditions on `members` (Groups) or `groups` (Users): each is a subquery over the
   * membership table, the most expensive shape a filter can take.
   */
  filterMembershipTerms: 4,
  /**
   * Largest `startIndex` honoured; beyond it a page is past the end of any list this server
   * keeps. Clamped rather than refused: RFC 7644 §3.4.2.4 has no error for a large index.
   */
  maxStartIndex: 2_147_483_647,
  /**
   * Default of SCIM_MAX_MEMBERS_PER_RESPONSE: members one answer carries over all its groups.
   * A member is about 150 bytes of JSON (at most ~700 with a 512-character display), so an
   * answer's members stay near 1.5 MB (at most ~7 MB).
   */
  membersPerAnswer: 10_000
} as const

/** Attributes stored in indexed columns (src/directory: users and groups tables). */
export const INDEXED_ATTRIBUTES: ReadonlySet<string> = new Set(['userName', 'externalId', 'displayName'])
