/**
 * The call the proxy's middleware chain passes along (decision 023): {@linkcode ProxyCall}, the
 * {@linkcode Identity} authentication sets, and {@linkcode operationOf}, what an MCP message acts on.
 * @module
 */
export {
  ANONYMOUS,
  bodyOf,
  type CallHandler,
  type CallMiddleware,
  type Identity,
  type McpOperation,
  messagesOf,
  operationOf,
  type ProxyCall,
  readCall,
} from "./call.ts";
