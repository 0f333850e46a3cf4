#!/usr/bin/env node
import { COMMAND_GROUPS } from './registry.js'
import { runCli } from './run.js'

// The CLI is its own program: it reads only its two variables, never the service's config.
const code = await runCli(process.argv.slice(2), COMMAND_GROUPS, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: {
    SCIM_META_BRIDGE_URL: process.env.SCIM_META_BRIDGE_URL,
    SCIM_META_BRIDGE_ADMIN_TOKEN: process.env.SCIM_META_BRIDGE_ADMIN_TOKEN
  }
})
process.exitCode = code
