/**
 * Keeps an HTTP MCP server running: when it stops by itself it is started again, with the same backoff as a
 * stdio server (200 ms doubling to 10 s, reset once a start has held for 30 s).
 * @module
 */
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
  let current: RunningServer | undefined = await start();
  let stopping = false;
  const stopped = Promise.withResolvers<void>();
  let wake: (() => void) | undefined;
  /** Waits `ms`, or less when stop() wakes it. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    let backoff = initial;
    let restarts = 0;
    while (!stopping && current) {
      const startedAt = Date.now();
      const reason = await current.ended;
      current = undefined;
      if (stopping) break;
      if (Date.now() - startedAt >= STABLE_MS) backoff = initial;
      log.warn("MCP server stopped; starting it again", { reason, backoffMs: backoff });
      await pause(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      while (!stopping && !current) {
        try {
          current = await start();
        } catch (e) {
          log.error("Cannot start the MCP server", { error: (e as Error).message, backoffMs: backoff });
          await pause(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
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
      stopping = true;
      wake?.();
      await Promise.all([current?.stop(), stopped.promise]);
    },
  };
}
