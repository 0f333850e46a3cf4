// The acceptance poll's reads and claims; their SQL is in the repositories of the tables'
// owners (docs/architecture.md "Where SQL lives"). Work Account members are matched to users
// by email (docs/identity-modes.md).
export { userIdsByEmail as usersByEmail } from '../../directory/users-repository.js'
export { claimPoll, pollableTenants } from '../../tenants/meta-settings-repository.js'
