/**
 * `--isolation session`: one server process per client session, never more than the cap, stopped when the
 * session ends or idles out. `--isolation shared`: one process, and a cap on sessions.
 */
import assert from "node:assert/strict";
import { StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
import { connectClient, FIXTURE_STDIO, poll, serveStdioProxy } from "./harness/mod.ts";

const alive = (pid: number) => Deno.stat(`/proc/${pid}`).then(() => true, () => false);

Deno.test("session isolation: a process per session, at most the cap, freed on close and reaped when idle", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO, {
    isolation: "session",
    maxProcesses: 3,
    sessionIdleMs: 6000, // long enough for the steps below on a busy machine, short enough to wait for
  });
  assert.deepEqual(served.proxy.serverPids(), [], "no process before the first session");

  const transports = [0, 1, 2].map(() => new StreamableHTTPClientTransport(new URL(served.url)));
  const clients = await Promise.all(transports.map(async (transport, i) => {
    const { Client } = await import("../lib/mcp/mod.ts");
    const client = new Client({ name: `c${i}`, version: "1" }, { capabilities: {} });
    await client.connect(transport);
    return client;
  }));
  const pids = served.proxy.serverPids();
  assert.equal(new Set(pids).size, 3, `three distinct processes: ${pids}`);
  for (const [i, client] of clients.entries()) {
    const result = await client.callTool({ name: "echo", arguments: { message: `s${i}` } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, `Echo: s${i}`);
  }

  await assert.rejects(connectClient(served.url, "fourth"), /Too many sessions: at most 3 server processes/);
  assert.equal(served.proxy.serverPids().length, 3, "the refused session started no process");

  await transports[0]!.terminateSession(); // DELETE ends the session and its process
  await clients[0]!.close();
  await poll(() => Promise.resolve(served.proxy.serverPids().length === 2 || undefined), {
    what: "the closed session's process to stop",
  });
  const fourth = await connectClient(served.url, "fourth");
  assert.equal(served.proxy.serverPids().length, 3);

  // A connected client keeps its session (its GET stream is open); once the clients have gone without a
  // DELETE, the sessions idle out and their processes are stopped.
  const before = served.proxy.serverPids();
  for (const client of [...clients.slice(1), fourth]) await client.close();
  await poll(() => Promise.resolve(served.proxy.serverPids().length === 0 || undefined), {
    what: "idle processes to be reaped",
    deadlineMs: 40_000,
  });
  // A reaped process is being stopped (SIGTERM, exit): wait for that, with a deadline.
  for (const pid of before) {
    await poll(async () => (await alive(pid)) ? undefined : true, {
      what: `process ${pid} to be gone`,
      deadlineMs: 40_000,
    });
  }
});

Deno.test("shared isolation: sessions past the cap get 503 on /mcp and /sse, and a closed session frees its place", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO, { maxSessions: 2 });
  const transports = [0, 1].map(() => new StreamableHTTPClientTransport(new URL(served.url)));
  const { Client } = await import("../lib/mcp/mod.ts");
  const clients = await Promise.all(transports.map(async (transport, i) => {
    const client = new Client({ name: `c${i}`, version: "1" }, { capabilities: {} });
    await client.connect(transport);
    return client;
  }));
  await assert.rejects(connectClient(served.url, "third"), /Too many sessions: at most 2 sessions at once/);
  const sse = await fetch(served.url.replace(/\/mcp$/, "/sse"));
  assert.equal(sse.status, 503);
  assert.match((await sse.json()).error.message, /Too many sessions/);
  assert.equal(served.proxy.sessions(), 2);
  assert.equal(served.proxy.serverPids().length, 1, "still one shared process");

  await transports[0]!.terminateSession();
  await clients[0]!.close();
  const third = await connectClient(served.url, "third");
  const result = await third.callTool({ name: "echo", arguments: { message: "in" } });
  assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: in");
  await third.close();
  await clients[1]!.close();
});
