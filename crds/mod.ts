/**
 * The custom resources thv serves: zod schemas (the single source), and the CRDs generated from them.
 * @module
 */
export { type CrdDefinition, customResourceDefinition, type PrinterColumn, structuralSchema } from "./crd.ts";
export { ALL_CRDS, GROUP, MCP_SERVER_CRD } from "./definitions.ts";
export { MCP_GROUP_CRD, MCP_GROUP_PHASES, McpGroupSpec, McpGroupStatus } from "./mcpgroup.ts";
export { MCP_TOOL_CONFIG_CRD, McpToolConfigSpec, McpToolConfigStatus, ToolOverride } from "./mcptoolconfig.ts";
export { MCP_OIDC_CONFIG_CRD, McpOidcConfigSpec, McpOidcConfigStatus } from "./mcpoidcconfig.ts";
export { MCP_AUTHZ_CONFIG_CRD, McpAuthzConfigSpec, McpAuthzConfigStatus } from "./mcpauthzconfig.ts";
export {
  MCP_WEBHOOK_CONFIG_CRD,
  McpWebhookConfigSpec,
  McpWebhookConfigStatus,
  WebhookSpec,
} from "./mcpwebhookconfig.ts";
export { CaBundleSource, ConfigMapKeySelector, SecretKeyRef } from "./shared.ts";
export { nameRef, type SharedConfigStatus, sharedConfigStatus, WORKLOAD_KINDS, WorkloadReference } from "./shared.ts";
export { renderCrds } from "./generate.ts";
export { Condition, MCP_SERVER_PHASES, type McpServer, McpServerSpec, McpServerStatus } from "./mcpserver.ts";
export {
  MCP_TELEMETRY_CONFIG_CRD,
  McpTelemetryConfigSpec,
  McpTelemetryConfigStatus,
  OpenTelemetryConfig,
  SensitiveHeader,
} from "./mcptelemetryconfig.ts";
export {
  AwsStsConfig,
  EXTERNAL_AUTH_TYPES,
  MCP_EXTERNAL_AUTH_CONFIG_CRD,
  McpExternalAuthConfigSpec,
  McpExternalAuthConfigStatus,
  OboConfig,
  TokenExchangeConfig,
  XaaConfig,
} from "./mcpexternalauthconfig.ts";
export { EmbeddedAuthServerConfig, UpstreamProvider } from "./embedded_auth_server.ts";
export {
  MCP_REMOTE_PROXY_CRD,
  MCP_REMOTE_PROXY_PHASES,
  McpRemoteProxySpec,
  McpRemoteProxyStatus,
} from "./mcpremoteproxy.ts";
export {
  MCP_SERVER_ENTRY_CRD,
  MCP_SERVER_ENTRY_PHASES,
  McpServerEntrySpec,
  McpServerEntryStatus,
} from "./mcpserverentry.ts";
export { HeaderForward } from "./header_forward.ts";
