/**
 * A workload's status as a word on a coloured badge (the word carries the meaning; colour only helps).
 * @module
 */

const KIND: Readonly<Record<string, string>> = {
  running: "ok",
  starting: "busy",
  stopping: "busy",
  removing: "busy",
  stopped: "idle",
  error: "bad",
  unhealthy: "bad",
};

/** The badge of `status`. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${KIND[status] ?? "idle"}`}>{status}</span>;
}
