import { strict as assert } from "node:assert";
import { createLogger } from "../log.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { createStdioProxy } from "../transport/mod.ts";
import { operationOf } from "../mcp_call/mod.ts";
import { buildChain, type StageFactory } from "./chain.ts";
import { proxyChainOf } from "./mod.ts";

const log = createLogger({ format: "text", level: "error" });
const FIXTURE = {
  command: Deno.execPath(),
  args: ["run", "-A", new URL("../../tests/fixtures/mcp_fixture.ts", import.meta.url).pathname, "stdio"],
};

function config(extra: Record<string, unknown> = {}): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "fx", image: "fx", transport: "stdio", port: 8080, ...extra }),
    "test",
  );
}

/** A stage that records what it sees, and refuses `tools/call` of `forbidden` with 403. */
function recorder(name: string, seen: string[], options: { forbidden?: string } = {}): StageFactory {
  return {
    name,
    keys: [],
    build: () =>
      Promise.resolve({
        middleware: (next) => async (call) => {
          const op = call.messages[0] ? operationOf(call.messages[0]) : undefined;
          seen.push(
            `${name}:${call.request.method} ${call.path} ${op?.method ?? "-"}${op?.target ? ` ${op.target}` : ""}`,
          );
          if (options.forbidden && op?.target === options.forbidden) return new Response("no", { status: 403 });
          call.upstreamHeaders.set("x-from-" + name, "1");
          return await next(call);
        },
        authenticates: true,
        routes: (path) => (path === `/${name}` ? Response.json({ stage: name }) : undefined),
      }),
  };
}

Deno.test("a RunConfig that asks for nothing builds no chain", async () => {
  assert.equal(await proxyChainOf(config(), { log, env: {} }), undefined);
  assert.equal(await proxyChainOf(config({ audit_config: { enabled: false } }), { log, env: {} }), undefined);
});

Deno.test("a guarding key no stage enforces refuses the RunConfig, naming it", async () => {
  await assert.rejects(
    buildChain(config({ aws_sts_config: { region: "eu-west-1" } }), { log, env: {} }, { factories: [] }),
    /RunConfig fx: aws_sts_config asks for AWS STS credentials, which thv does not enforce yet: remove it/,
  );
});

Deno.test("the chain runs its stages outermost first on parsed calls, answers its routes, and passes probes", async () => {
  const seen: string[] = [];
  const chain = (await buildChain(config(), { log, env: {} }, {
    factories: [recorder("outer", seen), recorder("inner", seen, { forbidden: "echo" })],
  }))!;
  assert.deepEqual(chain.stages, ["outer", "inner"]);
  const proxy = createStdioProxy({ command: FIXTURE, log, middleware: chain.middleware });
  try {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      proxy.handler(
        new Request("http://127.0.0.1/mcp", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            authorization: "Bearer client-token",
            ...headers,
          },
          body: JSON.stringify(body),
        }),
      );
    const init = await post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    });
    assert.equal(init.status, 200);
    const session = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    const refused = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: { message: "x" } } },
      { "mcp-session-id": session },
    );
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.deepEqual(seen, [
      "outer:POST /mcp initialize",
      "inner:POST /mcp initialize",
      "outer:POST /mcp tools/call echo",
      "inner:POST /mcp tools/call echo",
    ]);
    const route = await proxy.handler(new Request("http://127.0.0.1/inner"));
    assert.deepEqual(await route.json(), { stage: "inner" });
    const health = await proxy.handler(new Request("http://127.0.0.1/livez"));
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.equal(seen.length, 4, "probes and routes do not pass the stages");
  } finally {
    await proxy.close();
    await chain.close();
  }
});
