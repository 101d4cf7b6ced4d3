import assert from "node:assert/strict";
import { StatusStore } from "../state/mod.ts";
import { type DetachedProxy, spawnDetached, waitUntilRunning } from "./detach.ts";

async function tempStore() {
  const dir = await Deno.makeTempDir({ prefix: "thv-detach-" });
  const paths = { statuses: `${dir}/statuses`, pids: `${dir}/pids` };
  return {
    dir,
    paths,
    statuses: new StatusStore(paths),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A proxy that has not exited (yet): `exit()` makes it. */
function liveProxy(pid: number): DetachedProxy & { exit(): void } {
  const exited = Promise.withResolvers<void>();
  return { pid, exited: exited.promise, exit: () => exited.resolve() };
}

Deno.test("waitUntilRunning returns the URL once the proxy records running, in a status folder it had to create", async () => {
  await using store = await tempStore();
  const proxy = liveProxy(4242);
  const waiting = waitUntilRunning("fetch", {
    proxy,
    statuses: store.statuses,
    statusDir: store.paths.statuses,
    logFile: `${store.dir}/fetch.log`,
  });
  await store.statuses.record("fetch", { status: "starting", process_id: 4242 });
  await store.statuses.record("fetch", { status: "running", process_id: 4242, url: "http://127.0.0.1:1/mcp" });
  assert.deepEqual(await waiting, { url: "http://127.0.0.1:1/mcp", warning: "" });
});

Deno.test("waitUntilRunning ignores the record of another process and fails with the proxy's recorded error", async () => {
  await using store = await tempStore();
  await store.statuses.record("fetch", { status: "running", process_id: 1, url: "http://127.0.0.1:9/mcp" });
  const failed = assert.rejects(
    waitUntilRunning("fetch", {
      proxy: liveProxy(4242),
      statuses: store.statuses,
      statusDir: store.paths.statuses,
      logFile: `${store.dir}/fetch.log`,
    }),
    (e: Error) => e.message === "Cannot listen on 1",
  );
  await store.statuses.record("fetch", { status: "error", process_id: 4242, status_context: "Cannot listen on 1" });
  await failed;
});

Deno.test("waitUntilRunning ends at the proxy's exit with its last log line, and at the caller's abort", async () => {
  await using store = await tempStore();
  const logFile = `${store.dir}/fetch.log`;
  await Deno.writeTextFile(logFile, "starting\nthv: No workload named fetch: see thv list -a\n");
  const proxy = liveProxy(4242);
  const exited = waitUntilRunning("fetch", {
    proxy,
    statuses: store.statuses,
    statusDir: store.paths.statuses,
    logFile,
  });
  proxy.exit();
  await assert.rejects(exited, /The proxy of fetch failed: No workload named fetch: see thv list -a/);

  const abort = new AbortController();
  const aborted = waitUntilRunning("fetch", {
    proxy: liveProxy(4242),
    statuses: store.statuses,
    statusDir: store.paths.statuses,
    logFile,
    signal: abort.signal,
  });
  abort.abort();
  await assert.rejects(aborted, /Stopped while fetch was starting/);
});

Deno.test("spawnDetached reports the exit of the process it started, which waitUntilRunning then names", async () => {
  await using store = await tempStore();
  const logFile = `${store.dir}/logs/fetch.log`;
  const proxy = await spawnDetached("fetch", {
    self: ["/bin/sh", "-c", 'echo "thv: Cannot pull image: denied"; exit 3', "sh"],
    logFile,
  });
  assert.ok(proxy.pid > 0);
  await assert.rejects(
    waitUntilRunning("fetch", { proxy, statuses: store.statuses, statusDir: store.paths.statuses, logFile }),
    /The proxy of fetch failed: Cannot pull image: denied/,
  );
  await proxy.exited;
});
