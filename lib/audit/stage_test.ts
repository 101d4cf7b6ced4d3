import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { buildChain } from "../middleware/mod.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { factory } from "./mod.ts";

function config(audit: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fx",
      image: "i",
      transport: "streamable-http",
      port: 8080,
      audit_config: audit,
    }),
    "test",
  );
}

function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ format: "json", level: "info", write: (l) => lines.push(JSON.parse(l)) });
  return { log, events: () => lines.filter((l) => l.msg === "Audit event") };
}

const call = (id: number) =>
  new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "probe/1" },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "slow", arguments: {} } }),
  });

Deno.test("the audit stage keeps an event stream streaming and writes the event when it ends, with the error found", async () => {
  const { log, events } = recordingLog();
  const chain = (await buildChain(config({}), { log, env: {} }, { factories: [factory] }))!;
  let release!: () => void;
  const second = new Promise<void>((r) => (release = r));
  const handler = chain.middleware(() => {
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(enc.encode('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n'));
        await second;
        c.enqueue(
          enc.encode('event: message\ndata: {"jsonrpc":"2.0","id":7,"error":{"code":-32000,"message":"x"}}\n\n'),
        );
        c.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const res = await handler(call(7));
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value), /notifications\/progress/, "the first event arrives alone");
  assert.equal(events().length, 0, "no event before the answer ends");
  release();
  while (!(await reader.read()).done) { /* drain */ }
  const [event] = events();
  assert.equal(event?.type, "mcp_tool_call");
  assert.equal(event?.outcome, "application_error");
  assert.deepEqual((event?.metadata as { extra: Record<string, unknown> }).extra.jsonrpc_error_code, -32000);
  assert.deepEqual(event?.source, { type: "network", value: "unknown", extra: { user_agent: "probe/1" } });
  await chain.close();
});

Deno.test("the audit stage writes the event of a failed handler as an error, and of a cancelled stream once", async () => {
  const { log, events } = recordingLog();
  const chain = (await buildChain(config({}), { log, env: {} }, { factories: [factory] }))!;
  const failing = chain.middleware(() => Promise.reject(new Error("down")));
  await assert.rejects(async () => await failing(call(1)), /down/);
  assert.equal(events()[0]?.outcome, "error");
  const endless = chain.middleware(() =>
    new Response(new ReadableStream({ pull: () => new Promise(() => {}) }), {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const res = await endless(call(2));
  await res.body!.cancel();
  assert.equal(events().length, 2);
  assert.equal(events()[1]?.outcome, "success");
  await chain.close();
});
