/**
 * What `thv serve` knows of the long operations it runs in the background (create, restart, edit): per
 * workload, in memory, its state (`starting`, then `running` or `error` with why), the events on the way
 * (pull progress, warnings, state changes) kept for late subscribers, and the subscribers of its
 * `…/events` stream. A failed creation leaves nothing in thv's state, so its error lives here until the
 * workload is deleted or created again.
 * @module
 */
import { ConflictError } from "../../lib/errors.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import type { WorkloadEvent } from "../../lib/workloads/mod.ts";

/** One message of a workload's event stream: its SSE event name and JSON data. */
export type HubEvent =
  | { readonly event: "pull"; readonly data: { readonly image: string; readonly progress: unknown } }
  | { readonly event: "warning"; readonly data: { readonly message: string } }
  | { readonly event: "status"; readonly data: { readonly status: string; readonly status_context: string } };

/** What the operation is creating, for the list while thv's own state has nothing yet. */
export interface PendingWorkload {
  /** Name. */
  readonly name: string;
  /** Image or package. */
  readonly image: string;
  /** Transport. */
  readonly transport: string;
  /** Proxy mode clients get. */
  readonly proxyMode: string;
  /** Proxy port. */
  readonly port: number;
  /** Group. */
  readonly group: string;
}

/** Most events one operation keeps for subscribers that come late (pull progress can be chatty). */
const MAX_KEPT = 500;

/** One background operation on one workload. */
export class Operation {
  /** What it does. */
  readonly kind: "create" | "restart" | "edit";
  /** The workload. */
  readonly workload: PendingWorkload;
  /** The RunConfig a create or edit is making (what thv's state has only once it runs). */
  readonly planned: RunConfig | undefined;
  /** Aborts the operation (delete does). */
  readonly abort = new AbortController();
  /** `starting` until it ends `running` or `error`. */
  status: "starting" | "running" | "error" = "starting";
  /** Why, when it failed. */
  context = "";
  readonly #events: HubEvent[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #settled = Promise.withResolvers<void>();

  /** An operation of `kind` on `workload`, making `planned` when it creates one. */
  constructor(kind: Operation["kind"], workload: PendingWorkload, planned?: RunConfig) {
    this.kind = kind;
    this.workload = workload;
    this.planned = planned;
    this.#push({ event: "status", data: { status: "starting", status_context: "" } });
  }

  /** Whether it still runs. */
  get running(): boolean {
    return this.status === "starting";
  }

  /** Resolves once it has ended. */
  get settled(): Promise<void> {
    return this.#settled.promise;
  }

  /** Reports a workload event of the operation (the facade's `onEvent`). */
  readonly onEvent = (event: WorkloadEvent): void => {
    if (event.kind === "pull") this.#push({ event: "pull", data: { image: event.image, progress: event.progress } });
    else this.#push({ event: "warning", data: { message: event.message } });
  };

  /** Ends the operation: running, or failed with `context`. */
  finish(status: "running" | "error", context = ""): void {
    if (!this.running) return;
    this.status = status;
    this.context = context;
    this.#push({ event: "status", data: { status, status_context: context } });
    this.#settled.resolve();
  }

  /** The events so far, then those that come, until the operation ends or `signal` aborts. */
  async *events(signal: AbortSignal): AsyncGenerator<HubEvent> {
    let next = 0;
    while (!signal.aborted) {
      while (next < this.#events.length) yield this.#events[next++]!;
      if (!this.running) return;
      const { promise, resolve } = Promise.withResolvers<void>();
      const wake = () => resolve();
      this.#listeners.add(wake);
      signal.addEventListener("abort", wake, { once: true });
      if (signal.aborted) wake();
      await promise;
      this.#listeners.delete(wake);
      signal.removeEventListener("abort", wake);
    }
  }

  #push(event: HubEvent): void {
    if (this.#events.length >= MAX_KEPT && event.event === "pull") return; // state changes are always kept
    this.#events.push(event);
    for (const wake of this.#listeners) wake();
  }
}

/** The operations of one `thv serve`, by workload name. */
export class WorkloadHub {
  readonly #ops = new Map<string, Operation>();

  /** The latest operation on `name`: running, or failed (until cleared). */
  get(name: string): Operation | undefined {
    return this.#ops.get(name);
  }

  /** Every operation kept, running or failed. */
  all(): Operation[] {
    return [...this.#ops.values()];
  }

  /** Starts an operation on a workload (making `planned`); a ConflictError while another one runs on it. */
  begin(kind: Operation["kind"], workload: PendingWorkload, planned?: RunConfig): Operation {
    const current = this.#ops.get(workload.name);
    if (current?.running) {
      throw new ConflictError(
        `Workload ${workload.name} is starting: wait for it (GET /api/v1beta/workloads/${workload.name}/events), or delete it`,
      );
    }
    const op = new Operation(kind, workload, planned);
    this.#ops.set(workload.name, op);
    // A workload that runs is what thv's state says; only a failure is kept here.
    void op.settled.then(() => {
      if (op.status === "running" && this.#ops.get(workload.name) === op) this.#ops.delete(workload.name);
    });
    return op;
  }

  /** Forgets what is kept of `name` (after stop or delete); false when nothing was. */
  clear(name: string): boolean {
    return this.#ops.delete(name);
  }
}
