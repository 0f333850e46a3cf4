import type { ColumnType } from 'kysely'

/** A timestamptz the database fills (`default now()`): read as Date, optional on insert. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

/** A nullable timestamptz (`revoked_at`, `last_used_at`, …). */
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
