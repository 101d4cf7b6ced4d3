/**
 * The in-memory hub of background workload operations: late subscribers get what happened, the stream ends
 * with the operation, one operation per workload at a time, and only a failure is kept.
 */
import assert from "node:assert/strict";
import { ConflictError } from "../../lib/errors.ts";
import { type HubEvent, WorkloadHub } from "./workload_hub.ts";

const workload = {
  name: "w",
  image: "img",
  transport: "stdio",
  proxyMode: "streamable-http",
  port: 1,
  group: "default",
};

async function collect(events: AsyncIterable<HubEvent>): Promise<HubEvent[]> {
  const out: HubEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

Deno.test("WorkloadHub: a subscriber gets the events so far and those to come, until the operation ends", async () => {
  const hub = new WorkloadHub();
  const op = hub.begin("create", workload);
  op.onEvent({ kind: "pull", image: "img", progress: { status: "Downloading" } });
  const live = collect(op.events(new AbortController().signal));
  op.onEvent({ kind: "warning", message: "slow" });
  op.finish("running");
  const expected: HubEvent[] = [
    { event: "status", data: { status: "starting", status_context: "" } },
    { event: "pull", data: { image: "img", progress: { status: "Downloading" } } },
    { event: "warning", data: { message: "slow" } },
    { event: "status", data: { status: "running", status_context: "" } },
  ];
  assert.deepEqual(await live, expected);
  assert.deepEqual(await collect(op.events(new AbortController().signal)), expected, "a late one too");
  await op.settled;
  await Promise.resolve();
  assert.equal(hub.get("w"), undefined, "a workload that runs is thv's state's, not the hub's");
});

Deno.test("WorkloadHub: one operation per workload; a failure is kept until cleared; a subscriber may leave", async () => {
  const hub = new WorkloadHub();
  const op = hub.begin("create", workload);
  assert.throws(() => hub.begin("restart", workload), ConflictError);
  const leave = new AbortController();
  const gone = collect(op.events(leave.signal));
  leave.abort();
  assert.equal((await gone).length, 1, "only what was there when it left");
  op.finish("error", "pull failed");
  await op.settled;
  assert.equal(hub.get("w")?.status, "error");
  assert.equal(hub.get("w")?.context, "pull failed");
  const again = hub.begin("create", workload);
  assert.notEqual(again, op, "a new operation may start after a failure");
  again.finish("running");
  await again.settled;
  assert.equal(hub.clear("w"), false, "nothing left to clear once it runs");
});
