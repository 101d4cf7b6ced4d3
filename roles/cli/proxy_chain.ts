/**
 * The middleware chain of `thv proxy` (lib/middleware), from RunConfig fields its flags give (telemetry
 * today): a RunConfig is made for the chain alone, the proxy is bound to it (sessions, health), and the chain
 * closes with the proxy.
 * @module
 */
import type { Logger } from "../../lib/log.ts";
import type { McpProxy } from "../../lib/transport/mod.ts";
import type { Middleware } from "../../lib/http/mod.ts";
import type { RunConfig, Transport } from "../../lib/run_config.ts";

/** What `thv proxy` adds to the proxy it builds. */
export interface ProxyChainOptions {
  /** `middleware` for createProxy, when the flags ask for a stage. */
  readonly options: { readonly middleware?: Middleware };
  /** Binds the proxy (sessions and health for telemetry); the returned proxy closes the chain too. */
  bind(proxy: McpProxy): McpProxy;
}

/** The chain `fields` ask for, for a proxy of `transport` on `host`; nothing loads when they ask for none. */
export async function proxyChainFromFlags(
  fields: Partial<RunConfig>,
  listen: { readonly transport: Transport; readonly host: string; readonly port: number },
  log: Logger,
): Promise<ProxyChainOptions> {
  const asks = Object.values(fields).some((v) => v !== undefined);
  if (!asks) return { options: {}, bind: (proxy) => proxy };
  const [{ proxyChainOf, ProxyStateSlot }, { parseRunConfig, RUN_CONFIG_SCHEMA_VERSION }] = await Promise.all([
    import("../../lib/middleware/mod.ts"),
    import("../../lib/run_config.ts"),
  ]);
  const config = parseRunConfig(
    JSON.stringify({
      schema_version: RUN_CONFIG_SCHEMA_VERSION,
      name: "proxy",
      image: "thv-proxy",
      transport: listen.transport,
      host: listen.host,
      port: listen.port || 1,
      ...fields,
    }),
    "thv proxy flags",
  );
  const state = new ProxyStateSlot();
  const chain = await proxyChainOf(config, { log, env: Deno.env.toObject(), proxy: state });
  if (!chain) return { options: {}, bind: (proxy) => proxy };
  return {
    options: { middleware: chain.middleware },
    bind(proxy) {
      state.bind(proxy);
      return { ...proxy, close: () => proxy.close().finally(() => chain.close()) };
    },
  };
}
