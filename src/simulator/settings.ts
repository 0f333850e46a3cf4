import type { ErrorSpec } from './error-spec.js'
import type { SimAssetType } from './vocabulary.js'
import { defaultPermissionSettings, type PermissionSettings } from './permission-settings.js'

// Every behaviour docs/meta-graph-api.md marks [U] is a setting here, with the section it
// comes from. Where real Graph answers are known ([live] in that document) the default is the
// real behaviour; the other answer stays available for tests that need it.

export interface BucketLimit {
  /** Calls allowed per rolling window; usage % = calls in window / budget (§5.2). */
  budget: number
  windowMs: number
}

export interface SimulatorSettings {
  /** §1.1: versions the simulator serves; others get `deprecatedVersionError`. */
  versions: string[]
  /** §1.1: unversioned calls resolve to the default version (true) or fail. */
  allowUnversioned: boolean
  deprecatedVersionError: ErrorSpec
  /** §1.3: accept `tasks=A,B` besides JSON arrays. */
  acceptCommaLists: boolean
  paging: {
    defaultLimit: number
    maxLimit: number
    /** §1.5: deep paging fails past this many items (null = no limit). */
    maxAfterOffset: number | null
    /** §1.5: every Nth page comes back empty while more remain (0 = never). */
    emptyPageEvery: number
    /** §1.5: a cursor whose item was deleted is rejected (true) or resumes at its position. */
    cursorInvalidatedByDelete: boolean
  }
  /** §2.1 note: what P2 returns: the role request id or the future business user id. */
  inviteReturns: 'role_request' | 'business_user'
  /** §4.2: re-inviting a pending email returns the existing id, fails, or creates another. */
  duplicateInvite: 'idempotent' | 'error' | 'new'
  alreadyMemberError: ErrorSpec
  /** §4.2 [S]: invites per business per day (null = unlimited) and the error past it. */
  inviteLimitPerDay: number | null
  inviteLimitError: ErrorSpec
  /** §3.1 / §8.1: invite lifetime and status spellings. */
  inviteTtlMs: number
  inviteStatus: { pending: string, accepted: string, declined: string, expired: string, canceled: string }
  /**
   * How open invitations spell `status` on read, cycled by id (an empty list: `inviteStatus.pending`).
   * `BusinessRoleRequest.status` has no documented values, so the default mixes spellings a
   * client must read as open: PENDING, PENDING_INVITE, sent.
   */
  openInviteStatuses: string[]
  /**
   * Invitations (by email, any case) whose invitee accepts just before a cancellation reaches
   * Meta: the DELETE then meets a member, and the invitation is gone from pending_users (100/33).
   */
  acceptBeforeCancel: string[]
  /** §17 Q17: expired/declined invites stay visible in pending_users. */
  showClosedInvites: boolean
  /** §8.1: delay between acceptance and the person appearing in business_users. */
  acceptanceVisibleAfterMs: number
  /** §6/§10: BusinessUser exposes `invited_user_type` on read (not in Meta's spec; py-sdk has it). */
  exposeInvitedUserTypeOnMembers: boolean
  /** §2.1 note: system users are listed only in system_users, not business_users. */
  systemUsersInBusinessUsers: boolean
  /** §7 / Q1: people management needs an admin actor; employee tokens get `permissionError`. */
  peopleManagementRequiresAdmin: boolean
  permissionError: ErrorSpec
  /** §2.1 note / §12.3: the app must be claimed by the business or its parent. */
  appOwnershipError: ErrorSpec
  /** §4.2: 2FA (415) applies to these routes when the business enforces it. */
  twoFactorRoutes: string[]
  twoFactorError: ErrorSpec
  /** §4.3: the error for an id that does not exist, or an edge or method its node type lacks. */
  notFoundError: ErrorSpec
  /** §8.2: POST assigned_users replaces the person's task set (or merges into it). */
  taskAssignment: 'replace' | 'merge'
  /** §3.2: allowed task sets per asset type (null = any non-empty subset of the enum). */
  taskCombinations: Partial<Record<SimAssetType, string[][] | null>>
  /**
   * What each posted task unpacks to when `assigned_users` is read (transitively; see
   * graph/task-expansion.ts). Ad account and Instagram rows are observed Meta answers; page,
   * pixel, catalog and WhatsApp rows are assumptions (marked in `defaultSettings`). A task mapped
   * to `[]` reads back as posted.
   */
  taskExpansion: Partial<Record<SimAssetType, Record<string, string[]>>>
  /** §2.3: `tasks` required on POST assigned_users for these types (codegen). */
  tasksRequiredFor: SimAssetType[]
  /** §2.3 [S]: Page assignment fails without `business`. */
  pageAssignRequiresBusiness: boolean
  /**
   * §2.3 [live]: `permitted_tasks` read on assigned_users rows, per asset type: Meta's live list
   * (names outside the spec's enum included); null or absent = the spec's enum.
   */
  permittedTasksOnRead: Partial<Record<SimAssetType, string[] | null>>
  /** §2.3 [live]: asset types whose assigned_users rows have no `permitted_tasks` field at all. */
  rowsWithoutPermittedTasks: SimAssetType[]
  /**
   * §2.3 [live]: asset types whose POST assigned_users refuses a form-encoded body (lists as JSON
   * strings, batch operations included) with 400/100; a JSON body is accepted.
   */
  formBodyRefusedFor: SimAssetType[]
  /** §2.3 [live]: task names POST assigned_users accepts beyond the spec's enum, per asset type. */
  extraAcceptedTasks: Partial<Record<SimAssetType, string[] | null>>
  /**
   * DELETE /{pixel}/assigned_users exists. Off by default: Meta's pixel reference says "Deleting:
   * You can't perform this operation on this endpoint", and the call answers `notFoundError` (100/33).
   */
  pixelUnassignSupported: boolean
  /** §8.2: removing a person drops their asset assignments. */
  removeCascadesAssignments: boolean
  /** §7: appsecret_proof window and the legacy untimed form. */
  proofWindowSec: number
  acceptLegacyProof: boolean
  proofError: ErrorSpec
  rateLimits: {
    app: BucketLimit
    buc: BucketLimit
    /** Per-bucket overrides keyed `app:<appId>` or `buc:<objectId>:<type>`. */
    overrides: Record<string, BucketLimit>
    /** §5.4: each call while blocked extends the block by this much (0 = not at all). */
    blockExtensionMs: number
    /** §5.1 [U]: BUC type per asset type for assigned_users traffic (null = platform). */
    bucByAssetType: Record<SimAssetType, string | null>
    /** Throttle error codes (§5.3). */
    appThrottle: ErrorSpec
    bucThrottle: Record<string, ErrorSpec>
    /** §5.2: emit usage headers from this usage % upwards (0 = always). */
    headersFromPct: number
    /** §5.2: also emit X-Ad-Account-Usage (Ads API ≤ v3.3) on ad-account calls. */
    emitAdAccountUsage: boolean
    /** §5.2: key ad accounts in X-Business-Use-Case-Usage with `act_`. */
    bucKeyWithActPrefix: boolean
    /**
     * What X-Business-Use-Case-Usage is keyed by: the rate-limiting doc's text says "the ID of the
     * business associated with the token", its samples key by the object's id. Both by setting.
     */
    bucHeaderKeyedBy: 'object' | 'business'
  }
  /** Token permissions (scopes), what each route needs, unreadable assets (permission-settings.ts). */
  permissions: PermissionSettings
  batch: {
    maxOps: number
    /** §1.6: operations delayed past this are returned as `null` and not executed. */
    timeoutMs: number
  }
}

const throttle = (code: number, message: string, subcode?: number): ErrorSpec =>
  ({ code, subcode, type: 'OAuthException', message, status: 400 })

export function defaultSettings (): SimulatorSettings {
  return {
    versions: ['v25.0', 'v26.0'],
    allowUnversioned: true,
    deprecatedVersionError: { code: 2635, type: 'OAuthException', status: 400, message: '(#2635) You are calling a deprecated version of the Graph API. Please update to the latest version.' },
    acceptCommaLists: true,
    paging: {
      defaultLimit: 25, maxLimit: 100, maxAfterOffset: null, emptyPageEvery: 0, cursorInvalidatedByDelete: true
    },
    inviteReturns: 'role_request',
    duplicateInvite: 'idempotent',
    alreadyMemberError: { code: 100, type: 'OAuthException', status: 400, message: '(#100) The user is already a member of this business.' },
    inviteLimitPerDay: null,
    inviteLimitError: { code: 368, type: 'OAuthException', status: 400, message: 'You have sent too many invitations to the email address.' },
    inviteTtlMs: 30 * 24 * 3600_000,
    inviteStatus: { pending: 'PENDING', accepted: 'ACCEPTED', declined: 'DECLINED', expired: 'EXPIRED', canceled: 'CANCELED' },
    openInviteStatuses: ['PENDING', 'PENDING_INVITE', 'sent'],
    acceptBeforeCancel: [],
    showClosedInvites: false,
    acceptanceVisibleAfterMs: 0,
    exposeInvitedUserTypeOnMembers: false,
    systemUsersInBusinessUsers: false,
    peopleManagementRequiresAdmin: true,
    permissionError: { code: 200, type: 'OAuthException', status: 403, message: '(#200) Permissions error' },
    appOwnershipError: { code: 200, type: 'OAuthException', status: 403, message: '(#200) The app must be claimed by this business or its parent business.' },
    twoFactorRoutes: ['business_users.invite', 'business_user.update', 'business_user.delete'],
    twoFactorError: { code: 415, type: 'OAuthException', status: 400, message: '(#415) Two factor authentication required. The user has to enable two factor authentication to perform this action.' },
    notFoundError: { code: 100, subcode: 33, type: 'GraphMethodException', status: 400, message: "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation." },
    taskAssignment: 'replace',
    taskCombinations: {
      ad_account: [['MANAGE', 'ADVERTISE', 'ANALYZE'], ['ADVERTISE', 'ANALYZE'], ['ANALYZE']]
    },
    taskExpansion: {
      // Observed: ADVERTISE, ANALYZE → DRAFT, ANALYZE, ADVERTISE; MANAGE, ADVERTISE, ANALYZE → + DRAFT.
      ad_account: { ADVERTISE: ['DRAFT'] },
      // Observed: ADVERTISE → ADVERTISE, ANALYZE, CONTENT, MESSAGES, COMMUNITY_ACTIVITY.
      instagram_account: { ADVERTISE: ['ANALYZE', 'CONTENT', 'MESSAGES', 'COMMUNITY_ACTIVITY'] },
      // Assumed: the classic page role ladder (admin ⊃ editor ⊃ moderator ⊃ advertiser ⊃ analyst).
      page: { MANAGE: ['CREATE_CONTENT'], CREATE_CONTENT: ['MODERATE'], MODERATE: ['ADVERTISE'], ADVERTISE: ['ANALYZE'] },
      // Assumed: editing a pixel includes using and reading it.
      pixel: { EDIT: ['ADVERTISE', 'UPLOAD'], ADVERTISE: ['ANALYZE'] },
      // Assumed: managing a catalog includes advertising from it.
      product_catalog: { MANAGE: ['ADVERTISE'] },
      // Assumed: full control of a WhatsApp account includes the view-only tasks.
      whatsapp_business_account: {
        MANAGE: ['MANAGE_TEMPLATES', 'MANAGE_PHONE', 'VIEW_COST'],
        MANAGE_TEMPLATES: ['VIEW_TEMPLATES'],
        MANAGE_PHONE: ['VIEW_PHONE_ASSETS']
      }
    },
    tasksRequiredFor: ['pixel', 'product_catalog', 'whatsapp_business_account'],
    pageAssignRequiresBusiness: true,
    permittedTasksOnRead: {
      ad_account: ['MANAGE', 'ADVERTISE', 'ANALYZE', 'FB_EMPLOYEE_DSO_ADVERTISE', 'CREATIVE', 'DRAFT', 'AA_ANALYZE'],
      pixel: ['EDIT', 'ANALYZE', 'UPLOAD', 'ADVERTISE', 'AA_ANALYZE']
    },
    rowsWithoutPermittedTasks: ['instagram_account'],
    formBodyRefusedFor: ['instagram_account'],
    extraAcceptedTasks: {
      instagram_account: [
        'FULL_CONTROL', 'IG_APP_ADMIN', 'IG_APP', 'SPARK_INSIGHTS', 'SPARK_PUBLISH', 'SPARK_EVERYTHING',
        'CREATOR_MANAGEMENT', 'CREATIVE_MANAGEMENT'
      ]
    },
    pixelUnassignSupported: false,
    removeCascadesAssignments: true,
    proofWindowSec: 300,
    acceptLegacyProof: false,
    proofError: { code: 100, type: 'GraphMethodException', status: 400, message: 'Invalid appsecret_proof provided in the API argument' },
    rateLimits: {
      app: { budget: 10_000, windowMs: 3600_000 },
      buc: { budget: 10_000, windowMs: 3600_000 },
      overrides: {},
      blockExtensionMs: 0,
      bucByAssetType: {
        ad_account: 'ads_management',
        page: 'pages',
        pixel: null,
        product_catalog: 'catalog_management',
        instagram_account: 'instagram',
        whatsapp_business_account: 'whatsapp_business_management'
      },
      appThrottle: throttle(4, '(#4) Application request limit reached'),
      bucThrottle: {
        ads_management: throttle(80004, '(#80004) There have been too many calls to this ad-account. Wait a bit and try again.', 2446079),
        pages: throttle(80001, '(#80001) There have been too many calls to this Page account. Wait a bit and try again.'),
        instagram: throttle(80002, '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.'),
        catalog_management: throttle(80009, '(#80009) There have been too many calls to this Catalog account. Wait a bit and try again.'),
        whatsapp_business_management: throttle(80008, '(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.')
      },
      headersFromPct: 0,
      emitAdAccountUsage: false,
      bucKeyWithActPrefix: false,
      bucHeaderKeyedBy: 'object'
    },
    permissions: defaultPermissionSettings(),
    batch: { maxOps: 50, timeoutMs: 10_000 }
  }
}

export type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep-merges a partial over settings; arrays and scalars replace, objects merge. */
export function mergeSettings<T> (base: T, patch: DeepPartial<NoInfer<T>> | undefined): T {
  if (!isPlainObject(patch) || !isPlainObject(base)) return (patch ?? base) as T
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeSettings(out[k], v) : v
  }
  return out as T
}
