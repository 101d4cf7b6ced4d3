/**
 * What a running proxy tells the chain about itself (telemetry's active sessions and the server's health).
 * The chain is built before the proxy, so a role hands the chain a {@linkcode ProxyStateSlot} and binds the
 * proxy to it once the proxy exists; until then it reports no sessions and an unknown health.
 * @module
 */

/** A running proxy, as telemetry sees it. */
export interface ProxyState {
  /** Open client sessions. */
  sessions(): number;
  /** Whether the proxy's `/health` answers 200 (the server answers); undefined before the proxy runs. */
  healthy(): Promise<boolean | undefined>;
}

/** What {@linkcode ProxyStateSlot.bind} needs of a proxy (lib/transport `McpProxy` has both). */
export interface ObservedProxy {
  /** Open client sessions. */
  sessions(): number;
  /** The proxy's HTTP handler: `/health` is asked through it, past its guards. */
  readonly handler: (req: Request) => Promise<Response>;
}

/** A {@linkcode ProxyState} that a role binds to its proxy after building the chain. */
export class ProxyStateSlot implements ProxyState {
  #proxy: ObservedProxy | undefined;

  /** Binds the proxy; returns it, so that `slot.bind(createProxy(...))` reads as one step. */
  bind<P extends ObservedProxy>(proxy: P): P {
    this.#proxy = proxy;
    return proxy;
  }

  /** Open client sessions of the bound proxy; 0 before one is bound. */
  sessions(): number {
    return this.#proxy?.sessions() ?? 0;
  }

  /** The bound proxy's `/health` status, 200 → true; undefined before one is bound. */
  async healthy(): Promise<boolean | undefined> {
    const proxy = this.#proxy;
    if (!proxy) return undefined;
    try {
      const res = await proxy.handler(new Request("http://localhost/health", { headers: { host: "localhost" } }));
      await res.body?.cancel();
      return res.status === 200;
    } catch {
      return false;
    }
  }
}
