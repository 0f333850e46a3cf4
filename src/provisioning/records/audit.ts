// The audit log's SQL lives in audit-repository.ts (docs/architecture.md "Where SQL lives");
// this name stays for the modules that import it.
export { listAudit, writeAudit, type AuditEvent, type AuditQuery } from './audit-repository.js'
