import assert from "node:assert/strict";
import { pollUntil } from "../async/mod.ts";
import { createLogger, type LogFields } from "../log.ts";
import type { RunningServer } from "./backend.ts";
import { superviseServer } from "./supervisor.ts";

/** A server that ends when the test says so, and counts its stops. */
function fakeServer() {
  const ended = Promise.withResolvers<string>();
  let stops = 0;
  const server: RunningServer = {
    ended: ended.promise,
    stop() {
      stops++;
      ended.resolve("stopped");
      return Promise.resolve();
    },
  };
  return { server, end: (reason: string) => ended.resolve(reason), stops: () => stops };
}

function recordingLog() {
  const lines: Array<{ message: string; fields: LogFields }> = [];
  const log = createLogger({
    level: "warn",
    format: "json",
    write: (line: string) => {
      const { msg, message, ...fields } = JSON.parse(line);
      lines.push({ message: msg ?? message, fields });
    },
  });
  return { log, lines };
}

Deno.test("superviseServer starts a server that ended again, waiting longer after each failed start", async () => {
  const servers = [fakeServer()];
  let starts = 0;
  let failures = 2;
  const { log, lines } = recordingLog();
  let restarts = 0;
  const supervised = await superviseServer(() => {
    starts++;
    if (starts > 1 && failures-- > 0) return Promise.reject(new Error("port taken"));
    const next = starts === 1 ? servers[0]! : fakeServer();
    if (starts > 1) servers.push(next);
    return Promise.resolve(next.server);
  }, { log, initialBackoffMs: 5, onRestart: (n) => (restarts = n) });
  try {
    servers[0]!.end("exited with code 1");
    await pollUntil(() => restarts === 1, { deadline: 10_000, interval: 5, what: "the first restart" });
    assert.equal(starts, 4, "the first start, two failed ones, one that held");
    const waits = lines.map((l) => l.fields.backoffMs);
    assert.deepEqual(waits, [5, 10, 20], JSON.stringify(lines));
    assert.equal(lines[0]!.fields.reason, "exited with code 1");
  } finally {
    await supervised.stop();
  }
  assert.equal(servers.at(-1)!.stops(), 1, "stop() stops the server that runs");
});

Deno.test("superviseServer's stop() ends a pause between restarts at once, and nothing starts after it", async () => {
  const first = fakeServer();
  let starts = 0;
  const { log, lines } = recordingLog();
  const supervised = await superviseServer(() => {
    starts++;
    return Promise.resolve(starts === 1 ? first.server : fakeServer().server);
  }, { log, initialBackoffMs: 600_000 });
  first.end("crashed");
  await pollUntil(() => lines.length === 1, { deadline: 10_000, interval: 5, what: "the pause before a restart" });
  const stopping = supervised.stop();
  const outcome = await Promise.race([
    stopping.then(() => "stopped"),
    new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("still waiting"), 10_000);
      stopping.finally(() => clearTimeout(timer));
    }),
  ]);
  assert.equal(outcome, "stopped");
  assert.equal(starts, 1, "no start after stop()");
});
