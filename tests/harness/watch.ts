/**
 * Watches for tests: open a watch the way a careful client does (retrying the 429 that kube-apiserver
 * answers while the watch cache of a new resource initializes), and wait for a promise with a deadline.
 * @module
 */
import { type KubeConfig, Watch } from "@kubernetes/client-node";

/** An open watch. */
export interface OpenWatch {
  /** Resolves when the server or an error ends the watch (`null` for a clean end). */
  readonly closed: Promise<Error | null>;
  /** Ends the watch. */
  abort(): void;
}

/** Handles one watch event. */
export type WatchHandler = (type: string, object: Record<string, unknown>) => void;

/**
 * Opens a watch on `path` and returns once the server accepted it; a 429 is retried every 100 ms until
 * `deadlineMs` passes, any other refusal is thrown.
 */
export async function openWatch(
  config: KubeConfig,
  path: string,
  onEvent: WatchHandler,
  options: { deadlineMs?: number } = {},
): Promise<OpenWatch> {
  const deadline = Date.now() + (options.deadlineMs ?? 15_000);
  while (true) {
    const closed = Promise.withResolvers<Error | null>();
    let refused: (Error & { statusCode?: number }) | undefined;
    let ended = false;
    const controller = await new Watch(config).watch(
      path,
      {},
      (type, object) => onEvent(type, object as Record<string, unknown>),
      (err) => {
        ended = true;
        refused = err ?? undefined;
        closed.resolve(err ?? null);
      },
    );
    if (!ended) return { closed: closed.promise, abort: () => controller.abort() };
    if (refused?.statusCode === 429 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    throw new Error(`Cannot watch ${path}: ${refused?.message ?? "the server closed the watch at once"}`, {
      cause: refused,
    });
  }
}

/** Resolves like `promise`, or rejects with `Timed out waiting for <what>` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
