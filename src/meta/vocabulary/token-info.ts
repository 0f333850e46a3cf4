import { z } from 'zod'

// GET /debug_token?input_token=… (Graph API reference "Debug Token"; Meta's login security guide
// asks servers to check their tokens with it regularly). Read leniently: only what the doctor
// uses is typed, the rest passes through.

export const TokenInfoSchema = z.object({
  data: z.object({
    is_valid: z.boolean(),
    app_id: z.string().optional(),
    type: z.string().optional(),
    user_id: z.string().optional(),
    /** Unix seconds; 0 means the token never expires (system-user tokens). */
    expires_at: z.number().optional(),
    scopes: z.array(z.string()).optional(),
    error: z.object({ code: z.number().optional(), message: z.string().optional() }).passthrough().optional()
  }).passthrough()
})

export type TokenInfo = z.infer<typeof TokenInfoSchema>['data']

export const BusinessNodeSchema = z.object({ id: z.string(), name: z.string().optional() }).passthrough()
