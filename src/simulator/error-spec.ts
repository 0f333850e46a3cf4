/** A Graph error the simulator answers with: the envelope's fields and the HTTP status (§4.1). */
export interface ErrorSpec {
  code: number
  subcode?: number
  type?: string
  message: string
  status: number
  isTransient?: boolean
}
