/**
 * Audit and webhooks end to end (issue 15 items 3 and 5): thv's stdio proxy with the chain in front of the
 * fixture MCP server (a real SDK server over stdio); webhook servers in this process that check the HMAC
 * signature with node:crypto (not thv's code) and answer allow, deny, a patch, or nothing; HTTPS with a CA
 * made by openssl.
 */
import { strict as assert } from "node:assert";
import { createHmac, timingSafeEqual } from "node:crypto";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { factory as audit } from "../lib/audit/mod.ts";
import { createLogger } from "../lib/log.ts";
import type { Identity } from "../lib/mcp_call/mod.ts";
import { buildChain, type ProxyChain, type StageFactory } from "../lib/middleware/mod.ts";
import { parseRunConfig, type RunConfig } from "../lib/run_config.ts";
import { mutatingFactory, validatingFactory } from "../lib/webhooks/mod.ts";
import { FIXTURE_STDIO, serveStdioProxy } from "./harness/mcp.ts";
import { createCa, issueCert } from "./harness/pki.ts";
import { poll } from "./harness/poll.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/**
 * TEST-ONLY STAND-IN for the authentication stage (another helper writes the real one): a request without
 * `x-test-user` is refused 401 as the real stage refuses one without a valid token; with it, `call.identity`
 * is that user, as the real stage sets it from the token's claims.
 */
const standInAuthentication: StageFactory = {
  name: "authentication-stand-in",
  keys: [],
  build: () =>
    Promise.resolve({
      middleware: (next) => async (call) => {
        const user = call.request.headers.get("x-test-user");
        if (!user) {
          return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "unauthorized" } }, {
            status: 401,
          });
        }
        const identity: Identity = {
          subject: `sub-${user}`,
          claims: { sub: `sub-${user}`, name: user, email: `${user}@example.test` },
          anonymous: false,
        };
        call.identity = identity;
        return await next(call);
      },
    }),
};

function runConfig(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "fixture", image: "f", transport: "stdio", port: 8080, ...extra }),
    "test",
  );
}

/** A proxy with the chain `extra` asks for, audit events recorded from the log. */
async function proxyWith(extra: Record<string, unknown>) {
  const lines: Json[] = [];
  const log = createLogger({ format: "json", level: "info", write: (l) => lines.push(JSON.parse(l)) });
  const chain: ProxyChain = (await buildChain(runConfig(extra), { log, env: {} }, {
    factories: [audit, standInAuthentication, mutatingFactory, validatingFactory],
  }))!;
  const served = await serveStdioProxy(FIXTURE_STDIO, { middleware: chain.middleware });
  return {
    url: served.url,
    events: () => lines.filter((l) => l.msg === "Audit event"),
    logs: () => lines,
    async [Symbol.asyncDispose]() {
      await served.stop();
      await chain.close();
    },
  };
}

const BASE = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** Opens a session as `user`; returns the headers of its later requests. */
async function session(url: string, user: string): Promise<Record<string, string>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...BASE, "x-test-user": user, "user-agent": "audit-test/1" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const headers = {
    ...BASE,
    "x-test-user": user,
    "user-agent": "audit-test/1",
    "mcp-session-id": res.headers.get("mcp-session-id")!,
    "mcp-protocol-version": "2025-11-25",
  };
  const done = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await done.body?.cancel();
  return headers;
}

/** Posts one JSON-RPC message; the status and the answer with its id (JSON or event stream). */
async function rpc(
  url: string,
  headers: Record<string, string>,
  message: Json,
): Promise<{ status: number; answer: Json }> {
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(message) });
  const text = await res.text();
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const found = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)))
      .find((m) => m.id === message.id);
    return { status: res.status, answer: found };
  }
  return { status: res.status, answer: JSON.parse(text) };
}

const echo = (id: number, args: Json) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: args },
});

Deno.test("audit: one event per operation (success, JSON-RPC error, 401, 403), with subjects, target and redacted data", async () => {
  await using hooks = startWebhookServer({});
  await using proxy = await proxyWith({
    audit_config: { includeRequestData: true, maxDataSize: 4096 },
    validating_webhooks: [hooks.hook("deny-forbidden", "fail")],
  });
  const headers = await session(proxy.url, "ada");
  const ok = await rpc(proxy.url, headers, echo(1, { message: "hi", api_key: "sk-live-1", auth: "Bearer abc.def" }));
  assert.equal(ok.answer.result.content[0].text, "Echo: hi");
  const unknown = await rpc(proxy.url, headers, { jsonrpc: "2.0", id: 2, method: "no/such/method" });
  assert.equal(unknown.answer.error.code, -32601);
  const anonymous = await rpc(proxy.url, BASE, echo(3, { message: "who" }));
  assert.equal(anonymous.status, 401);
  const denied = await rpc(proxy.url, headers, echo(4, { message: "forbidden" }));
  assert.equal(denied.status, 403);
  assert.equal(denied.answer.id, 4);
  assert.equal(denied.answer.error.message, "Request denied by policy: echo of forbidden is not allowed");

  const events = await poll(() => {
    const e = proxy.events();
    return Promise.resolve(e.length >= 5 ? e : undefined);
  }, { what: "five audit events", deadlineMs: 10_000 });
  const byType = (type: string) => events.filter((e) => e.type === type);
  const init = byType("mcp_initialize")[0]!;
  assert.deepEqual(init.subjects, { user_id: "sub-ada", user: "ada", client_name: "raw", client_version: "1" });
  const calls = byType("mcp_tool_call");
  assert.deepEqual(calls.map((e) => e.outcome), ["success", "denied", "denied"]);
  const [success, unauthenticated, forbidden] = calls as [Json, Json, Json];
  assert.deepEqual(success.target, { endpoint: "/mcp", method: "tools/call", type: "tool", name: "echo" });
  assert.equal(success.component, "fixture");
  assert.equal(success.source.extra.user_agent, "audit-test/1");
  assert.equal(success.source.extra.session_id, headers["mcp-session-id"]);
  assert.equal(success.metadata.extra.status_code, 200);
  assert.equal(typeof success.metadata.extra.duration_ms, "number");
  assert.match(success.loggedAt, /^\d{4}-\d\d-\d\dT.*Z$/);
  assert.deepEqual(success.data.request.params.arguments, {
    message: "hi",
    api_key: "[redacted]",
    auth: "[redacted]",
  });
  assert.equal(unauthenticated.metadata.extra.status_code, 401);
  assert.deepEqual(unauthenticated.subjects, { user: "anonymous" });
  assert.equal(forbidden.metadata.extra.status_code, 403);
  assert.equal(forbidden.subjects.user_id, "sub-ada");
  const failed = byType("mcp_request").find((e) => e.target.method === "no/such/method")!;
  assert.equal(failed.outcome, "application_error");
  assert.equal(failed.metadata.extra.jsonrpc_error_code, -32601);
  const all = JSON.stringify(proxy.logs());
  assert.ok(!all.includes("sk-live-1") && !all.includes("abc.def"), "no secret reaches the log");
});

Deno.test("audit to a file: JSON lines, mode 0600, one per call under concurrent requests; excluded types are not written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-audit-" });
  const logFile = `${dir}/audit.jsonl`;
  {
    await using proxy = await proxyWith({ audit_config: { logFile, excludeEventTypes: ["mcp_initialize"] } });
    const headers = await session(proxy.url, "bob");
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => rpc(proxy.url, headers, echo(10 + i, { message: `m${i}` }))),
    );
    assert.ok(answers.every((a) => a.status === 200));
    const lines = await poll(async () => {
      const text = await Deno.readTextFile(logFile);
      const events = text.trim().split("\n").map((l) => JSON.parse(l));
      return events.filter((e) => e.type === "mcp_tool_call").length === 24 ? events : undefined;
    }, { what: "24 tool-call events in the file", deadlineMs: 10_000 });
    assert.equal(lines.filter((e) => e.type === "mcp_initialize").length, 0);
    assert.ok(lines.every((e) => e.subjects.user === "bob"));
    assert.equal(proxy.events().length, 0, "nothing in the log when a file is set");
  }
  assert.equal((await Deno.stat(logFile)).mode! & 0o777, 0o600);
  await Deno.remove(dir, { recursive: true });
});

/** A webhook request as received: its body, and whether its signature verified. */
interface Received {
  readonly path: string;
  readonly body: Json;
  readonly signed: boolean;
}

const HMAC_KEY = "webhook-shared-secret";

/** Checks `X-ToolHive-Signature` over "<timestamp>.<body>" with node:crypto, and the timestamp's age. */
function verified(headers: Headers, body: string): boolean {
  const signature = headers.get("x-toolhive-signature") ?? "";
  const timestamp = headers.get("x-toolhive-timestamp") ?? "";
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = "sha256=" + createHmac("sha256", HMAC_KEY).update(`${timestamp}.${body}`).digest("hex");
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/** Webhooks on one server: `/deny-forbidden`, `/allow`, `/hang` (never answers), `/patch` (sets a tool call's message). */
function startWebhookServer(tls: { cert?: string; key?: string }) {
  const received: Received[] = [];
  const hang = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {}, ...tls }, async (req) => {
    const path = new URL(req.url).pathname;
    const text = await req.text();
    const body = JSON.parse(text);
    received.push({ path, body, signed: verified(req.headers, text) });
    const args = body.mcp_request?.params?.arguments ?? {};
    const answer = { version: "v0.1.0", uid: body.uid };
    switch (path) {
      case "/deny-forbidden":
        return args.message === "forbidden"
          ? Response.json({ ...answer, allowed: false, message: "echo of forbidden is not allowed", reason: "policy" })
          : Response.json({ ...answer, allowed: true });
      case "/allow":
        return Response.json({ ...answer, allowed: true });
      case "/hang":
        await hang.promise;
        return Response.json({ ...answer, allowed: true });
      case "/patch":
        if (body.mcp_request?.method !== "tools/call") return Response.json({ ...answer, allowed: true });
        return Response.json({
          ...answer,
          allowed: true,
          patch_type: "json_patch",
          patch: [{ op: "replace", path: "/mcp_request/params/arguments/message", value: `patched ${args.message}` }],
        });
      default:
        return new Response("not found", { status: 404 });
    }
  });
  const scheme = tls.cert ? "https" : "http";
  const origin = `${scheme}://127.0.0.1:${server.addr.port}`;
  return {
    received,
    origin,
    /** A RunConfig webhook for `path`; HTTP ones need insecure_skip_verify, as ToolHive requires. */
    hook(path: string, policy: "fail" | "ignore", extra: Json = {}) {
      return {
        name: path,
        url: `${origin}/${path}`,
        timeout: 0,
        failure_policy: policy,
        ...(scheme === "http" ? { tls_config: { insecure_skip_verify: true } } : {}),
        ...extra,
      };
    },
    async [Symbol.asyncDispose]() {
      hang.resolve();
      await server.shutdown();
    },
  };
}

Deno.test("validating webhooks: allow, deny with its message, a timeout under fail and ignore; each request signed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-hooks-" });
  await Deno.writeTextFile(`${dir}/hmac`, `${HMAC_KEY}\n`);
  await using hooks = startWebhookServer({});
  const signed = { hmac_secret_ref: `${dir}/hmac` };
  const timeout = 300e6; // 300 ms, in nanoseconds as the RunConfig holds it
  {
    await using proxy = await proxyWith({
      validating_webhooks: [hooks.hook("allow", "fail", signed), hooks.hook("deny-forbidden", "fail", signed)],
    });
    const headers = await session(proxy.url, "cy");
    assert.equal(
      (await rpc(proxy.url, headers, echo(1, { message: "fine" }))).answer.result.content[0].text,
      "Echo: fine",
    );
    const denied = await rpc(proxy.url, headers, echo(2, { message: "forbidden" }));
    assert.equal(denied.status, 403);
    assert.match(denied.answer.error.message, /echo of forbidden is not allowed/);
    const calls = hooks.received.filter((r) => r.body.mcp_request.method === "tools/call");
    assert.ok(calls.length >= 3 && calls.every((r) => r.signed), "every call is signed with the key");
    const first = calls[0]!.body;
    assert.equal(first.version, "v0.1.0");
    assert.match(first.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(first.principal, {
      sub: "sub-cy",
      name: "cy",
      email: "cy@example.test",
      claims: { sub: "sub-cy", name: "cy", email: "cy@example.test" },
    });
    assert.deepEqual(first.context, { server_name: "fixture", source_ip: "", transport: "stdio" });
  }
  {
    await using proxy = await proxyWith({ validating_webhooks: [hooks.hook("hang", "fail", { timeout })] });
    const headers = await session(proxy.url, "cy").catch((e) => e);
    assert.ok(headers instanceof Error, "a webhook that never answers denies initialize under fail");
    const res = await rpc(proxy.url, { ...BASE, "x-test-user": "cy" }, echo(3, { message: "x" }));
    assert.equal(res.status, 403);
    assert.equal(res.answer.error.message, "Request denied by policy");
  }
  {
    await using proxy = await proxyWith({ validating_webhooks: [hooks.hook("hang", "ignore", { timeout })] });
    const headers = await session(proxy.url, "cy");
    const started = performance.now();
    const res = await rpc(proxy.url, headers, echo(4, { message: "through" }));
    assert.equal(res.answer.result.content[0].text, "Echo: through", "ignore lets the call through");
    assert.ok(performance.now() - started >= 250, "after the webhook's timeout");
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mutating webhooks patch the arguments the server receives; the validating webhook sees the patched request", async () => {
  await using hooks = startWebhookServer({});
  await using proxy = await proxyWith({
    audit_config: { includeRequestData: true },
    mutating_webhooks: [hooks.hook("patch", "fail")],
    validating_webhooks: [hooks.hook("allow", "fail")],
  });
  const headers = await session(proxy.url, "di");
  const res = await rpc(proxy.url, headers, echo(5, { message: "original" }));
  assert.equal(res.answer.result.content[0].text, "Echo: patched original");
  const validated = hooks.received.filter((r) => r.path === "/allow" && r.body.mcp_request.method === "tools/call");
  assert.equal(validated[0]?.body.mcp_request.params.arguments.message, "patched original");
  const event = await poll(
    () => Promise.resolve(proxy.events().find((e) => e.type === "mcp_tool_call")),
    { what: "the tool call's audit event" },
  );
  assert.equal(event.data.request.params.arguments.message, "original", "audit records what the client sent");
});

Deno.test("webhooks over HTTPS: the CA bundle verifies the webhook; without it the call fails and fail denies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-hooks-tls-" });
  const ca = await createCa(dir);
  const cert = await issueCert(ca, dir, "hook", { kind: "server", commonName: "hook", ips: ["127.0.0.1"], dns: [] });
  await using hooks = startWebhookServer({
    cert: await Deno.readTextFile(cert.cert),
    key: await Deno.readTextFile(cert.key),
  });
  {
    await using proxy = await proxyWith({
      mutating_webhooks: [hooks.hook("patch", "fail", { tls_config: { ca_bundle_path: ca.cert } })],
    });
    const headers = await session(proxy.url, "ed");
    const res = await rpc(proxy.url, headers, echo(6, { message: "tls" }));
    assert.equal(res.answer.result.content[0].text, "Echo: patched tls");
  }
  {
    await using proxy = await proxyWith({ validating_webhooks: [hooks.hook("allow", "fail")] });
    const res = await rpc(proxy.url, { ...BASE, "x-test-user": "ed" }, echo(7, { message: "x" }));
    assert.equal(res.status, 403, "a certificate no trusted CA signed fails the call");
    const why = proxy.logs().find((l) => l.msg === "Validating webhook denied request")?.error;
    assert.match(why, /validating webhook "allow" cannot be reached: .*(certificate|UnknownIssuer)/i);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("webhooks over mutual TLS: the proxy presents client_cert_path and client_key_path; without them it is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-hooks-mtls-" });
  const ca = await createCa(dir);
  const server = await issueCert(ca, dir, "hook", { kind: "server", commonName: "hook", ips: ["127.0.0.1"], dns: [] });
  const client = await issueCert(ca, dir, "proxy", { kind: "client", user: "thv-proxy", groups: [] });
  const peers: string[] = [];
  // node:https, which can ask for and verify a client certificate (Deno.serve cannot).
  const hook = https.createServer({
    cert: await Deno.readTextFile(server.cert),
    key: await Deno.readTextFile(server.key),
    ca: await Deno.readTextFile(ca.cert),
    requestCert: true,
    rejectUnauthorized: true,
  }, (req, res) => {
    peers.push((req.socket as TLSSocket).getPeerCertificate().subject.CN as string);
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ version: "v0.1.0", uid: JSON.parse(text).uid, allowed: true }));
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(hook.address() as { port: number }).port}/validate`;
  const webhook = (tls: Json) => ({ name: "mtls", url, timeout: 0, failure_policy: "fail", tls_config: tls });
  try {
    {
      await using proxy = await proxyWith({
        validating_webhooks: [
          webhook({ ca_bundle_path: ca.cert, client_cert_path: client.cert, client_key_path: client.key }),
        ],
      });
      const headers = await session(proxy.url, "fay");
      const res = await rpc(proxy.url, headers, echo(8, { message: "mutual" }));
      assert.equal(res.answer.result.content[0].text, "Echo: mutual");
      assert.ok(peers.length >= 2 && peers.every((cn) => cn === "thv-proxy"), "each call presents the client cert");
    }
    {
      await using proxy = await proxyWith({ validating_webhooks: [webhook({ ca_bundle_path: ca.cert })] });
      const res = await rpc(proxy.url, { ...BASE, "x-test-user": "fay" }, echo(9, { message: "x" }));
      assert.equal(res.status, 403, "no client certificate: the webhook refuses the handshake, fail denies");
    }
  } finally {
    await new Promise((resolve) => hook.close(resolve));
    await Deno.remove(dir, { recursive: true });
  }
});
