/**
 * How `thv run` shows an image pull: one line redrawn in place on a terminal (layers done, bytes), and a
 * plain line per layer step elsewhere (a log file, CI).
 * @module
 */
import type { PullEvent } from "../../lib/runtime/docker/mod.ts";

const MIB = 2 ** 20;

/** A progress printer for pulling `image`, writing to `write` (stderr). */
export function pullProgress(
  image: string,
  options: { readonly terminal: boolean; readonly write: (text: string) => void },
): (event: PullEvent) => void {
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  const lastStatus = new Map<string, string>();
  return (event) => {
    if (!options.terminal) {
      // Plain lines: each status once per layer, not every byte count.
      const key = event.id ?? "";
      if (lastStatus.get(key) === event.status) return;
      lastStatus.set(key, event.status);
      options.write(`Pulling ${image}: ${event.id ? `${event.id}: ` : ""}${event.status}\n`);
      return;
    }
    if (event.id) {
      const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false };
      if (event.total) layer.total = event.total;
      if (event.current !== undefined) layer.current = event.current;
      if (/complete|already exists/i.test(event.status)) layer.done = true;
      layers.set(event.id, layer);
    }
    const all = [...layers.values()];
    const done = all.filter((l) => l.done).length;
    const current = all.reduce((n, l) => n + (l.done ? l.total : l.current), 0);
    const total = all.reduce((n, l) => n + l.total, 0);
    const bytes = total ? ` ${(current / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB` : "";
    const finished = /^(Status: |Digest: )/.test(event.status);
    options.write(`\r\x1b[2KPulling ${image}: ${done}/${all.length} layers${bytes}${finished ? "\n" : ""}`);
  };
}
