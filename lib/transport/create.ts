/**
 * `createProxy`: the one place a proxy is built, from a typed {@linkcode ProxyConfig} over the closed union
 * of transports (`stdio` | `sse` | `streamable-http`); {@linkcode proxyConfigOf} builds that config from a
 * RunConfig, so `thv proxy`, a workload's detached proxy and the Kubernetes proxy runner build theirs alike.
 * The rule for which path a client's URL gets is `clientPath` of lib/client_path.ts.
 * @module
 */
import type { Logger } from "../log.ts";
import { clientPath } from "../client_path.ts";
import type { ProxyMode, RunConfig, Transport } from "../run_config.ts";
import { createHttpProxy, type HttpProxyOptions, type HttpTransport } from "./http_proxy.ts";
import type { StdioCommand, StdioConnector } from "./stdio_backend.ts";
import { createStdioProxy, type StdioProxyOptions } from "./stdio_proxy.ts";
import { ToolFilter } from "./tool_filter.ts";

/** How to build a proxy in front of a stdio server. */
export interface StdioProxyConfig extends Omit<StdioProxyOptions, "log"> {
  /** The server speaks MCP on its stdin and stdout. */
  readonly transport: "stdio";
  /** What the URL handed to clients speaks (default streamable HTTP); the proxy serves both. */
  readonly proxyMode?: ProxyMode;
}

/** How to build a proxy in front of a server that speaks HTTP (streamable HTTP or legacy SSE). */
export interface HttpProxyConfig extends Omit<HttpProxyOptions, "log" | "transport"> {
  /** What the server speaks. */
  readonly transport: HttpTransport;
}

/** How to build a proxy, by the transport of the server behind it. */
export type ProxyConfig = StdioProxyConfig | HttpProxyConfig;

/** A proxy built by {@linkcode createProxy}. */
export interface McpProxy {
  /** The transport of the server behind it. */
  readonly transport: Transport;
  /** The path of the URL clients use, e.g. `/mcp`. */
  readonly path: string;
  /** The HTTP handler: serve it with lib/http `serve`, or call it with a `Request`. */
  readonly handler: (req: Request) => Promise<Response>;
  /** Number of open client sessions. */
  sessions(): number;
  /** Stops the proxy (and a stdio server it runs). */
  close(): Promise<void>;
}

/**
 * Builds the proxy `config` describes. A stdio server is started at once; a streamable HTTP target's path
 * is the clients' path too (requests pass through with their paths).
 */
export function createProxy(config: ProxyConfig, options: { readonly log: Logger }): McpProxy {
  const { log } = options;
  switch (config.transport) {
    case "stdio": {
      const { transport, proxyMode, ...stdio } = config;
      const proxy = createStdioProxy({ ...stdio, log });
      return {
        transport,
        path: clientPath(transport, proxyMode ? { proxyMode } : {}),
        handler: proxy.handler,
        sessions: proxy.sessions,
        close: () => proxy.close(),
      };
    }
    case "sse":
    case "streamable-http": {
      const proxy = createHttpProxy({ ...config, log });
      return {
        transport: config.transport,
        path: config.transport === "sse" ? clientPath("sse") : new URL(config.targetUrl).pathname,
        handler: proxy.handler,
        sessions: proxy.sessions,
        close: () => proxy.close(),
      };
    }
    default: {
      const unknown: never = config;
      throw new TypeError(
        `Proxy config has transport ${(unknown as { transport: string }).transport}: use stdio, sse or streamable-http`,
      );
    }
  }
}

/** What {@linkcode proxyConfigOf} needs besides the RunConfig: how to reach the server. */
export interface ProxyConfigSources {
  /** The stdio server: a command to run, or a connector (a container's attached stdio). For `stdio`. */
  readonly stdio?: StdioCommand | StdioConnector;
  /**
   * Where an HTTP server listens (for `sse` and `streamable-http`); default: the RunConfig's
   * `target_host` (else 127.0.0.1) and `target_port`.
   */
  readonly upstream?: { readonly host?: string; readonly port: number };
}

/**
 * The {@linkcode ProxyConfig} of a RunConfig's workload; throws a TypeError naming what is missing, or what
 * is wrong with its `tools_filter`/`tools_override`.
 */
export function proxyConfigOf(config: RunConfig, sources: ProxyConfigSources = {}): ProxyConfig {
  const filter = ToolFilter.of(config);
  const shared = {
    ...(config.endpoint_prefix ? { endpointPrefix: config.endpoint_prefix } : {}),
    ...(filter ? { tools: filter } : {}),
  };
  if (config.transport === "stdio") {
    if (!sources.stdio) {
      throw new TypeError(`RunConfig ${config.name} has transport stdio: give the server's stdio to proxy`);
    }
    return {
      transport: "stdio",
      command: sources.stdio,
      ...(config.proxy_mode ? { proxyMode: config.proxy_mode } : {}),
      ...shared,
    };
  }
  const port = sources.upstream?.port ?? config.target_port;
  if (port === undefined) {
    throw new TypeError(
      `RunConfig ${config.name}: field target_port is required for transport ${config.transport}: set it`,
    );
  }
  const host = sources.upstream?.host ?? config.target_host ?? "127.0.0.1";
  const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    transport: config.transport,
    targetUrl: `http://${authority}${clientPath(config.transport)}`,
    trustProxyHeaders: config.trust_proxy_headers,
    ...shared,
  };
}
