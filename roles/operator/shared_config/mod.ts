/**
 * The shared-config kinds (MCPToolConfig, MCPOIDCConfig, MCPAuthzConfig, MCPTelemetryConfig,
 * MCPExternalAuthConfig, MCPWebhookConfig): one controller for all of them, their status, and how their
 * referrers find and look them up.
 * @module
 */
export { SHARED_CONFIG_KINDS, type SharedConfigKind, TOOL_CONFIG_KIND } from "./kind.ts";
export { AUTHZ_BACKENDS, AUTHZ_CONFIG_KIND, authzFile, checkAuthzConfig } from "./authz.ts";
export { checkOidcConfig, OIDC_CONFIG_KIND } from "./oidc.ts";
export { checkWebhookConfig, WEBHOOK_CONFIG_KIND } from "./webhook.ts";
export { formatGoDuration, parseGoDuration } from "./go_duration.ts";
export { reconcileSharedConfig, type SharedConfigDeps } from "./reconcile.ts";
export { type ConfigLookup, lookupConfig, referrersOf } from "./referrers.ts";
export { configHash, DELETION_BLOCKED, referrerList, sharedConfigStatus, sortReferrers, VALID } from "./status.ts";
