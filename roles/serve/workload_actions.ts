/**
 * The workload operations of `thv serve`, over the lib/workloads facade and the in-memory
 * {@linkcode WorkloadHub}: create, edit and restart return as soon as they are accepted and go on in the
 * background (state `starting`, then `running` or `error`); stop and delete finish before they return.
 * The single and the bulk routes both call these.
 * @module
 */
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import type { Plan, WorkloadSummary } from "../../lib/workloads/mod.ts";
import type { ServeDeps } from "./deps.ts";
import { type Operation, WorkloadHub } from "./workload_hub.ts";
import { pendingOf } from "./workload_requests.ts";

/** The operations on workloads, with the hub that tracks the background ones. */
export class WorkloadActions {
  /** The background operations. */
  readonly hub = new WorkloadHub();
  readonly #deps: ServeDeps;

  /** Actions over `deps`. */
  constructor(deps: ServeDeps) {
    this.#deps = deps;
  }

  /** The workload as thv's state has it; a NotFoundError when there is none. */
  get(name: string): Promise<WorkloadSummary> {
    return this.#deps.workloads.get(name);
  }

  /** Whether thv's state or the hub (a creation under way or failed) knows `name`. */
  async exists(name: string): Promise<boolean> {
    return this.hub.get(name) !== undefined || await this.#inState(name);
  }

  /** A ConflictError when an operation runs on `name`. */
  checkIdle(name: string): void {
    const op = this.hub.get(name);
    if (op?.running) this.hub.begin(op.kind, op.workload); // throws the ConflictError that says what to do
  }

  /** Starts creating a planned workload; a ConflictError when the name is taken. */
  async create(plan: Plan): Promise<Operation> {
    const name = plan.config.name;
    this.checkIdle(name);
    if (await this.#inState(name)) {
      throw new ConflictError(
        `A workload named ${name} exists already: delete it, edit it (POST /api/v1beta/workloads/${name}/edit), or choose another name`,
      );
    }
    const op = this.hub.begin("create", pendingOf(plan.config), plan.config);
    this.#background(op, () => this.#deps.workloads.create(plan, { signal: op.abort.signal, onEvent: op.onEvent }));
    return op;
  }

  /** Starts recreating `name` from `plan` (its name); the old workload is removed first. */
  edit(plan: Plan): Operation {
    const name = plan.config.name;
    const op = this.hub.begin("edit", pendingOf(plan.config), plan.config);
    this.#background(op, async () => {
      await this.#deps.workloads.remove(name);
      return await this.#deps.workloads.create(plan, { signal: op.abort.signal, onEvent: op.onEvent });
    });
    return op;
  }

  /** Starts restarting `name` (which must exist). */
  async restart(name: string): Promise<Operation> {
    const config = await this.config(name);
    const op = this.hub.begin("restart", pendingOf(config));
    this.#background(op, () => this.#deps.workloads.restart(name, { onEvent: op.onEvent }));
    return op;
  }

  /** Stops `name` (which must exist and not be starting); what the hub kept of it goes. */
  async stop(name: string): Promise<void> {
    this.checkIdle(name);
    await this.#deps.workloads.stop(name);
    this.hub.clear(name);
  }

  /** Deletes `name`: a creation under way is aborted first; a NotFoundError when nothing knows it. */
  async remove(name: string): Promise<void> {
    const op = this.hub.get(name);
    if (op?.running) {
      op.abort.abort();
      await op.settled;
    }
    const kept = this.hub.clear(name);
    try {
      await this.#deps.workloads.remove(name);
    } catch (e) {
      if (!(e instanceof NotFoundError && kept)) throw e;
    }
  }

  /** The RunConfig of `name`: the one a create or edit under way is making, else the saved one. */
  async config(name: string): Promise<RunConfig> {
    const op = this.hub.get(name);
    if (op?.running && op.planned) return op.planned;
    return JSON.parse(await this.#deps.workloads.export(name)) as RunConfig;
  }

  async #inState(name: string): Promise<boolean> {
    try {
      await this.#deps.workloads.get(name);
      return true;
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
  }

  #background(op: Operation, work: () => Promise<{ readonly warning?: string }>): void {
    const name = op.workload.name;
    void (async () => {
      try {
        const done = await work();
        if (done.warning) op.onEvent({ kind: "warning", message: done.warning });
        op.finish("running");
      } catch (e) {
        const message = (e as Error).message.split("\n")[0]!;
        this.#deps.log.warn("A workload operation failed", { name, operation: op.kind, error: message });
        op.finish("error", message);
      }
    })();
  }
}
