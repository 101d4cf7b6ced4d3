/**
 * Keeps an HTTP MCP server running: when it stops by itself it is started again, with the same backoff as a
 * stdio server (200 ms doubling to 10 s, reset once a start has held for 30 s).
 * @module
 */
import { backoff, sleepUnlessAborted } from "../async/mod.ts";
import type { Logger } from "../log.ts";
import type { RunningServer } from "./backend.ts";

/** Options of {@linkcode superviseServer}. */
export interface SupervisorOptions {
  /** Logger. */
  readonly log: Logger;
  /** Called after each restart with the number of restarts so far. */
  readonly onRestart?: (restarts: number) => void;
  /** First backoff (default 200 ms). */
  readonly initialBackoffMs?: number;
}

/** A supervised server. */
export interface Supervised {
  /** Stops the server and the supervision; resolves once the server has gone. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;
const STABLE_MS = 30_000;

/** Starts the server with `start` (the first start's error is thrown) and restarts it whenever it ends. */
export async function superviseServer(
  start: () => Promise<RunningServer>,
  options: SupervisorOptions,
): Promise<Supervised> {
  const { log } = options;
  const initial = options.initialBackoffMs ?? 200;
  const retry = backoff({ min: initial, max: Math.max(initial, MAX_BACKOFF_MS) });
  let current: RunningServer | undefined = await start();
  // stop() aborts it: a pause between restarts ends at once, and no start follows.
  const stopping = new AbortController();
  const stopped = Promise.withResolvers<void>();

  const loop = async () => {
    let restarts = 0;
    while (!stopping.signal.aborted && current) {
      const startedAt = Date.now();
      const reason = await current.ended;
      current = undefined;
      if (stopping.signal.aborted) break;
      if (Date.now() - startedAt >= STABLE_MS) retry.reset();
      const wait = retry.next();
      log.warn("MCP server stopped; starting it again", { reason, backoffMs: wait });
      await sleepUnlessAborted(wait, stopping.signal);
      while (!stopping.signal.aborted && !current) {
        try {
          current = await start();
        } catch (e) {
          const wait = retry.next();
          log.error("Cannot start the MCP server", { error: (e as Error).message, backoffMs: wait });
          await sleepUnlessAborted(wait, stopping.signal);
        }
      }
      if (current) options.onRestart?.(++restarts);
    }
    await current?.stop(); // started while stop() was waiting
    stopped.resolve();
  };
  void loop();

  return {
    async stop() {
      stopping.abort();
      await Promise.all([current?.stop(), stopped.promise]);
    },
  };
}
