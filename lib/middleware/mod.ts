/**
 * The proxy's middleware chain (decision 023): {@linkcode proxyChainOf} builds it from a RunConfig with
 * every stage thv has ({@linkcode STAGE_FACTORIES}); {@linkcode buildChain} with the factories given.
 * @module
 */
import type { RunConfig } from "../run_config.ts";
import { buildChain, type ChainDeps, type ProxyChain } from "./chain.ts";
import { STAGE_FACTORIES } from "./stages.ts";

export {
  asksForSomething,
  buildChain,
  type BuildChainOptions,
  CHAIN_KEYS,
  type ChainDeps,
  lazyStage,
  type ProxyChain,
  type Stage,
  type StageFactory,
} from "./chain.ts";
export { STAGE_FACTORIES } from "./stages.ts";
export { type ObservedProxy, type ProxyState, ProxyStateSlot } from "./proxy_state.ts";

/** The chain `config` asks for, with every stage thv has; undefined when it asks for none. */
export function proxyChainOf(config: RunConfig, deps: ChainDeps): Promise<ProxyChain | undefined> {
  return buildChain(config, deps, { factories: STAGE_FACTORIES });
}
