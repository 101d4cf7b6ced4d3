import assert from "node:assert/strict";
import { WorkQueue } from "./queue.ts";

Deno.test("WorkQueue deduplicates queued keys and keeps order", async () => {
  const q = new WorkQueue();
  q.add("a");
  q.add("b");
  q.add("a");
  assert.equal(q.length, 2);
  assert.equal(await q.get(), "a");
  assert.equal(await q.get(), "b");
  q.close();
});

Deno.test("WorkQueue processes a key again when it was added while being processed", async () => {
  const q = new WorkQueue();
  q.add("a");
  const key = await q.get();
  q.add("a"); // an event arrives mid-reconcile
  assert.equal(q.length, 0, "not handed out twice at once");
  q.done(key!);
  assert.equal(await q.get(), "a");
  q.close();
});

Deno.test("WorkQueue hands a key to a waiting worker, and close releases waiters", async () => {
  const q = new WorkQueue();
  const waiting = q.get();
  q.add("x");
  assert.equal(await waiting, "x");
  const idle = q.get();
  q.close();
  assert.equal(await idle, undefined);
});

Deno.test("WorkQueue retry delays double per failure and forget resets them", () => {
  const q = new WorkQueue();
  assert.deepEqual([q.retry("k"), q.retry("k"), q.retry("k")], [200, 400, 800]);
  q.forget("k");
  assert.equal(q.retry("k"), 200);
  q.close();
});
