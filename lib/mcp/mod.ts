/**
 * MCP protocol support shared by the proxy, the fixtures and the tests: the SDK, typed.
 * @module
 */
export * from "./sdk.ts";
