import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { buildChain } from "../middleware/mod.ts";
import { parseRunConfig } from "../run_config.ts";
import { mutatingFactory, validatingFactory } from "./mod.ts";

const log = createLogger({ format: "text", level: "error" });

/** A webhook server answering each path with what `answers` gives for it. */
function webhookServer(answers: Record<string, (body: Record<string, unknown>) => Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const answer = answers[new URL(req.url).pathname];
    return answer ? answer(await req.json()) : new Response("no", { status: 404 });
  });
  return {
    hook: (path: string, policy: "fail" | "ignore") => ({
      name: path.slice(1),
      url: `http://127.0.0.1:${server.addr.port}${path}`,
      timeout: 0,
      failure_policy: policy,
      tls_config: { insecure_skip_verify: true },
    }),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** The answer of a chain of `extra`'s webhooks to a tools/call; the inner handler echoes the body it got. */
async function through(extra: Record<string, unknown>, body: unknown = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: { message: "m" } },
}) {
  const config = parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "fx", image: "i", transport: "stdio", port: 8080, ...extra }),
    "test",
  );
  const chain = (await buildChain(config, { log, env: {} }, { factories: [mutatingFactory, validatingFactory] }))!;
  try {
    const handler = chain.middleware(async (req) => new Response(await req.text(), { status: 200 }));
    const res = await handler(
      new Request("http://127.0.0.1/mcp", { method: "POST", body: JSON.stringify(body) }),
    );
    return { status: res.status, body: await res.json() };
  } finally {
    await chain.close();
  }
}

const allowed = (extra: Record<string, unknown> = {}) => () => Response.json({ allowed: true, ...extra });
const patch = (ops: unknown) => allowed({ patch_type: "json_patch", patch: ops });

Deno.test("mutating webhooks apply their patches in order; out-of-scope or id-changing patches follow the policy", async () => {
  await using hooks = webhookServer({
    "/a": patch([{ op: "replace", path: "/mcp_request/params/arguments/message", value: "a" }]),
    "/b": patch([{ op: "add", path: "/mcp_request/params/arguments/extra", value: true }]),
    "/outside": patch([{ op: "replace", path: "/principal", value: null }]),
    "/id": patch([{ op: "replace", path: "/mcp_request/id", value: 2 }]),
    "/bad-type": allowed({ patch_type: "merge_patch", patch: {} }),
  });
  const both = await through({ mutating_webhooks: [hooks.hook("/a", "fail"), hooks.hook("/b", "fail")] });
  assert.deepEqual(both.body.params.arguments, { message: "a", extra: true });
  for (
    const [path, message] of [
      ["/outside", "Patch must be scoped to mcp_request"],
      ["/id", "Webhook produced an invalid MCP request"],
      ["/bad-type", "Unsupported patch type from webhook"],
    ] as const
  ) {
    const failed = await through({ mutating_webhooks: [hooks.hook(path, "fail")] });
    assert.deepEqual([failed.status, failed.body.error.message, failed.body.id], [500, message, 1], path);
    const ignored = await through({ mutating_webhooks: [hooks.hook(path, "ignore"), hooks.hook("/a", "fail")] });
    assert.equal(ignored.body.params.arguments.message, "a", `${path} ignored, the next webhook still runs`);
  }
});

Deno.test("webhooks: 422 denies whatever the policy; allowed false denies; a bad answer follows the policy", async () => {
  await using hooks = webhookServer({
    "/422": () => new Response("no", { status: 422 }),
    "/no": () => Response.json({ allowed: false, reason: "r" }),
    "/text": () => new Response("not json"),
    "/500": () => new Response("down", { status: 500 }),
  });
  for (const kind of ["validating_webhooks", "mutating_webhooks"]) {
    const denied = await through({ [kind]: [hooks.hook("/422", "ignore")] });
    assert.equal(denied.status, kind === "validating_webhooks" ? 403 : 422, kind);
    const refused = await through({ [kind]: [hooks.hook("/no", "ignore")] });
    assert.equal(refused.status, 403, kind);
    for (const path of ["/text", "/500"]) {
      assert.notEqual((await through({ [kind]: [hooks.hook(path, "fail")] })).status, 200, `${kind} ${path} fail`);
      assert.equal((await through({ [kind]: [hooks.hook(path, "ignore")] })).status, 200, `${kind} ${path} ignore`);
    }
  }
  const response = { jsonrpc: "2.0", id: 9, result: {} };
  assert.deepEqual(
    (await through({ validating_webhooks: [hooks.hook("/no", "fail")] }, response)).body,
    response,
    "a client's answer to the server is not a request: no webhook is asked",
  );
});

Deno.test("webhook stages refuse a bad webhook when the proxy starts, naming it", async () => {
  await assert.rejects(
    through({ validating_webhooks: [{ name: "x", url: "http://h.test", timeout: 0, failure_policy: "fail" }] }),
    /validating webhook\[0\] "x": webhook URL must use HTTPS/,
  );
  await assert.rejects(
    through({
      mutating_webhooks: [{
        name: "k",
        url: "https://h.test",
        timeout: 0,
        failure_policy: "fail",
        hmac_secret_ref: "/no/such/key",
      }],
    }),
    /Cannot read the HMAC key of mutating webhook "k": \/no\/such\/key/,
  );
});
