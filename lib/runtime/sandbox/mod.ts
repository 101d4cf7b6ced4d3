/**
 * The embedded Deno sandbox runtime (design.md §6): runs `npx://` MCP servers as Deno processes with only
 * the permissions their permission profile grants, without any container engine. See docs/sandbox.md.
 * @module
 */
export { absoluteSandboxImage, isSandboxImage, parseSandboxRef, SANDBOX_SCHEME, type SandboxRef } from "./ref.ts";
export {
  type SandboxGrants,
  sandboxGrants,
  type SandboxLayout,
  sandboxLayout,
  sandboxPermissionFlags,
  type SandboxPermissionOptions,
  sandboxProfile,
} from "./permissions.ts";
export { type PreparedPackage, type PrepareOptions, preparePackage } from "./prepare.ts";
export { PASSED_ENV, sandboxCommand, sandboxEnv, type SandboxOptions } from "./command.ts";
export { landlockAbi, prepareWorkDir, sandboxConnector } from "./connector.ts";
export { confinementWarning, landlockPlan, RUNTIME_RULES } from "./landlock.ts";
