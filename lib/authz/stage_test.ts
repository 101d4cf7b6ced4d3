import { strict as assert } from "node:assert";
import { createLogger } from "../log.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { createStdioProxy } from "../transport/mod.ts";
import { buildChain, type StageFactory } from "../middleware/mod.ts";
import type { Identity } from "../mcp_call/mod.ts";
import { authorizationFactory } from "./stage.ts";

const log = createLogger({ format: "text", level: "error" });
const FIXTURE = {
  command: Deno.execPath(),
  args: ["run", "-A", new URL("../../tests/fixtures/mcp_fixture.ts", import.meta.url).pathname, "stdio"],
};
const POLICIES = [
  'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };',
  'permit(principal, action == Action::"get_prompt", resource == Prompt::"test_simple_prompt");',
  'permit(principal, action == Action::"read_resource", resource == Resource::"test://static-text");',
];

function config(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "fx", image: "fx", transport: "stdio", port: 8080, ...extra }),
    "test",
  );
}

/** Stands in for authentication in these unit tests: the identity named by the `x-test-user` header. */
const identities: StageFactory = {
  name: "test-identity",
  keys: [],
  build: () =>
    Promise.resolve({
      middleware: (next) => (call) => {
        const user = call.request.headers.get("x-test-user");
        const groups = call.request.headers.get("x-test-groups")?.split(",") ?? [];
        if (user) call.identity = { subject: user, claims: { sub: user, groups }, anonymous: false } as Identity;
        return next(call);
      },
    }),
};

async function proxyWith(extra: Record<string, unknown>) {
  const chain = (await buildChain(config(extra), { log, env: {} }, {
    factories: [identities, authorizationFactory],
  }))!;
  const proxy = createStdioProxy({ command: FIXTURE, log, middleware: chain.middleware });
  let id = 0;
  const post = async (
    method: string,
    params: Record<string, unknown>,
    headers: Record<string, string>,
  ) => {
    const res = await proxy.handler(
      new Request("http://127.0.0.1/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      }),
    );
    const type = res.headers.get("content-type") ?? "";
    const text = await res.text();
    const body = type.startsWith("text/event-stream")
      ? JSON.parse(text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join(""))
      : text
      ? JSON.parse(text)
      : undefined;
    return { status: res.status, type, body, session: res.headers.get("mcp-session-id") };
  };
  const init = await post("initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  }, {});
  assert.equal(init.status, 200);
  const session = { "mcp-session-id": init.session! };
  await post("notifications/initialized", {}, session);
  return {
    proxy,
    session,
    post,
    async [Symbol.asyncDispose]() {
      await proxy.close();
      await chain.close();
    },
  };
}

Deno.test("denied calls are 403 with a JSON-RPC error and lists show only what the caller may use", async () => {
  await using p = await proxyWith({ authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: POLICIES } } });
  const eng = { ...p.session, "x-test-user": "alice", "x-test-groups": "eng" };
  const ops = { ...p.session, "x-test-user": "bob", "x-test-groups": "ops" };

  const ok = await p.post("tools/call", { name: "echo", arguments: { message: "hi" } }, eng);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.result.content[0].text, "Echo: hi");
  const denied = await p.post("tools/call", { name: "test_simple_text", arguments: {} }, eng);
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.body, { jsonrpc: "2.0", id: denied.body.id, error: { code: 403, message: "Unauthorized" } });
  assert.equal(typeof denied.body.id, "number");
  assert.equal((await p.post("tools/call", { name: "echo", arguments: { message: "x" } }, ops)).status, 403);

  const listed = await p.post("tools/list", {}, eng);
  assert.equal(listed.type, "application/json");
  assert.deepEqual(listed.body.result.tools.map((t: { name: string }) => t.name), ["echo"]);
  assert.deepEqual((await p.post("tools/list", {}, ops)).body.result.tools, []);
  // A batch is answered as an event stream: its tools/list answer is filtered there.
  const batch = await p.proxy.handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...eng },
      body: JSON.stringify([{ jsonrpc: "2.0", id: "a", method: "tools/list" }, {
        jsonrpc: "2.0",
        id: "b",
        method: "ping",
      }]),
    }),
  );
  assert.equal(batch.headers.get("content-type"), "text/event-stream");
  const events = (await batch.text()).split("\n\n").filter((e) => e.includes("data:")).map((e) =>
    JSON.parse(e.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join(""))
  );
  const answer = events.find((m) => m.id === "a");
  assert.deepEqual(answer.result.tools.map((t: { name: string }) => t.name), ["echo"]);
  assert.ok(events.some((m) => m.id === "b"));
  const prompts = await p.post("prompts/list", {}, ops);
  assert.deepEqual(prompts.body.result.prompts.map((t: { name: string }) => t.name), ["test_simple_prompt"]);
  const resources = await p.post("resources/list", {}, ops);
  assert.deepEqual(resources.body.result.resources.map((r: { uri: string }) => r.uri), ["test://static-text"]);
  assert.equal((await p.post("resources/read", { uri: "test://static-text" }, ops)).status, 200);
  assert.equal((await p.post("resources/read", { uri: "test://static-binary" }, ops)).status, 403);
  assert.equal((await p.post("prompts/get", { name: "test_simple_prompt" }, ops)).status, 200);
  assert.equal((await p.post("prompts/get", { name: "test_prompt_with_image" }, ops)).status, 403);
  assert.equal((await p.post("ping", {}, ops)).status, 200);
  // An unknown method is denied (default deny).
  assert.equal((await p.post("tools/frobnicate", {}, ops)).status, 403);
});

Deno.test("a batch with one denied call is refused whole, and a body that is not JSON-RPC is 400", async () => {
  await using p = await proxyWith({ authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: POLICIES } } });
  const res = await p.proxy.handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...p.session },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 7, method: "ping" },
        { jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "echo", arguments: { message: "x" } } },
      ]),
    }),
  );
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), [{ jsonrpc: "2.0", id: 8, error: { code: 403, message: "Unauthorized" } }]);
  const bad = await p.proxy.handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...p.session },
      body: "not json",
    }),
  );
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.message, "Invalid or malformed MCP request");
});

Deno.test("the legacy /sse stream's list answers are filtered for the stream's opener", async () => {
  await using p = await proxyWith({ authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: POLICIES } } });
  const stream = await p.proxy.handler(
    new Request("http://127.0.0.1/sse", {
      headers: { accept: "text/event-stream", "x-test-user": "alice", "x-test-groups": "eng" },
    }),
  );
  assert.equal(stream.status, 200);
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const nextEvent = async (): Promise<{ event: string; data: string }> => {
    while (!buffered.includes("\n\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      buffered += value;
    }
    const end = buffered.indexOf("\n\n");
    const text = buffered.slice(0, end);
    buffered = buffered.slice(end + 2);
    const lines = text.split("\n");
    return {
      event: lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message",
      data: lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n"),
    };
  };
  let endpoint = await nextEvent();
  while (endpoint.event !== "endpoint") endpoint = await nextEvent();
  const send = async (message: unknown, user = "alice", groups = "eng") => {
    const res = await p.proxy.handler(
      new Request(`http://127.0.0.1${endpoint.data}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-user": user, "x-test-groups": groups },
        body: JSON.stringify(message),
      }),
    );
    await res.body?.cancel();
    return res.status;
  };
  const answer = async (id: number) => {
    for (;;) {
      const e = await nextEvent();
      if (e.event === "message" && e.data.includes(`"id":${id}`)) return JSON.parse(e.data);
    }
  };
  assert.equal(
    await send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    }),
    202,
  );
  await answer(1);
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  assert.equal(await send({ jsonrpc: "2.0", id: 2, method: "tools/list" }), 202);
  assert.deepEqual((await answer(2)).result.tools.map((t: { name: string }) => t.name), ["echo"]);
  // A POST is judged for its sender; the answer on the stream is filtered for the opener.
  assert.equal(
    await send(
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "echo", arguments: { message: "m" } } },
      "bob",
      "ops",
    ),
    403,
  );
  await reader.cancel();
});

Deno.test("httpv1 asks the decision point per call and per list item, and fails closed when it errs", async () => {
  const asked: Array<Record<string, unknown>> = [];
  let broken = false;
  const pdp = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json();
    asked.push(body);
    if (new URL(req.url).pathname !== "/decision") return new Response("no", { status: 404 });
    if (broken) return new Response("down", { status: 500 });
    const groups = (body.principal.groups ?? []) as string[];
    return Response.json({
      allow: body.operation === "mcp:tool:call" && body.resource === "mrn:mcp:fx:tool:echo" && groups.includes("eng"),
    });
  });
  try {
    await using p = await proxyWith({
      authz_config: {
        version: "1.0",
        type: "httpv1",
        pdp: {
          http: { url: `http://127.0.0.1:${pdp.addr.port}`, timeout: 5 },
          context: { include_args: true, include_operation: true },
          claim_mapping: "standard",
        },
      },
    });
    const eng = { ...p.session, "x-test-user": "alice", "x-test-groups": "eng" };
    assert.equal((await p.post("tools/call", { name: "echo", arguments: { message: "hi" } }, eng)).status, 200);
    assert.deepEqual(asked.at(-1), {
      principal: { sub: "alice", groups: ["eng"] },
      operation: "mcp:tool:call",
      resource: "mrn:mcp:fx:tool:echo",
      context: { mcp: { args: { message: "hi" }, feature: "tool", operation: "call", resource_id: "echo" } },
    });
    assert.equal((await p.post("tools/call", { name: "test_simple_text", arguments: {} }, eng)).status, 403);
    const listed = await p.post("tools/list", {}, eng);
    assert.deepEqual(listed.body.result.tools.map((t: { name: string }) => t.name), ["echo"]);
    broken = true;
    assert.equal((await p.post("tools/call", { name: "echo", arguments: { message: "hi" } }, eng)).status, 403);
  } finally {
    await pdp.shutdown();
  }
});

Deno.test("a bad authorization config refuses the chain with one line naming it", async () => {
  const build = (extra: Record<string, unknown>) =>
    buildChain(config(extra), { log, env: {} }, { factories: [authorizationFactory] });
  await assert.rejects(
    build({ authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: ["permit(principal"] } } }),
    /^TypeError: Authorization config authz_config of RunConfig fx: cedar\.policies\[0\] does not parse: /,
  );
  await assert.rejects(build({ authz_config: { version: "1.0", type: "opa" } }), /unsupported configuration type: opa/);
  await assert.rejects(
    build({ authz_config: { version: "1.0", type: "httpv1", pdp: { http: { url: "http://x" } } } }),
    /claim_mapping is required \(valid values: mpe, standard\)/,
  );
  await assert.rejects(build({ authz_config_path: "../authz.json" }), /must not contain "\.\."/);
});

Deno.test("authz_config_path reads a YAML or JSON file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const yaml = `${dir}/authz.yaml`;
    await Deno.writeTextFile(
      yaml,
      `version: "1.0"\ntype: cedarv1\ncedar:\n  policies:\n    - 'permit(principal, action, resource == Tool::"echo");'\n`,
    );
    const chain = await buildChain(config({ authz_config_path: yaml }), { log, env: {} }, {
      factories: [authorizationFactory],
    });
    assert.deepEqual(chain?.stages, ["authorization"]);
    await chain?.close();
    await Deno.writeTextFile(`${dir}/bad.json`, "{");
    await assert.rejects(
      buildChain(config({ authz_config_path: `${dir}/bad.json` }), { log, env: {} }, {
        factories: [authorizationFactory],
      }),
      /Authorization config .*bad\.json is not JSON/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
