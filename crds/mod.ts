/**
 * The custom resources thv serves: zod schemas (the single source), and the CRDs generated from them.
 * @module
 */
export { type CrdDefinition, customResourceDefinition, type PrinterColumn, structuralSchema } from "./crd.ts";
export { ALL_CRDS, GROUP, MCP_SERVER_CRD } from "./definitions.ts";
export { MCP_GROUP_CRD, MCP_GROUP_PHASES, McpGroupSpec, McpGroupStatus } from "./mcpgroup.ts";
export { MCP_TOOL_CONFIG_CRD, McpToolConfigSpec, McpToolConfigStatus, ToolOverride } from "./mcptoolconfig.ts";
export { nameRef, type SharedConfigStatus, sharedConfigStatus, WORKLOAD_KINDS, WorkloadReference } from "./shared.ts";
export { renderCrds } from "./generate.ts";
export { Condition, MCP_SERVER_PHASES, type McpServer, McpServerSpec, McpServerStatus } from "./mcpserver.ts";
