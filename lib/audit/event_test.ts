import assert from "node:assert/strict";
import { ANONYMOUS } from "../mcp_call/mod.ts";
import {
  cappedData,
  delegationOf,
  eventTypeOf,
  outcomeOf,
  redactData,
  REDACTED,
  subjectsOf,
  targetOf,
} from "./event.ts";

Deno.test("eventTypeOf maps MCP methods to ToolHive's event types, others to mcp_request, none to http_request", () => {
  assert.equal(eventTypeOf("tools/call"), "mcp_tool_call");
  assert.equal(eventTypeOf("resources/read"), "mcp_resource_read");
  assert.equal(eventTypeOf("notifications/roots/list_changed"), "mcp_roots_list_changed");
  assert.equal(eventTypeOf("notifications/initialized"), "mcp_request");
  assert.equal(eventTypeOf(undefined), "http_request");
});

Deno.test("outcomeOf: 2xx success, 401 and 403 denied, other 4xx failure, 5xx error", () => {
  assert.deepEqual([200, 202, 401, 403, 404, 413, 500, 502].map(outcomeOf), [
    "success",
    "success",
    "denied",
    "denied",
    "failure",
    "failure",
    "error",
    "error",
  ]);
});

Deno.test("subjectsOf names the user by name, then preferred_username, then email, and anonymous without one", () => {
  assert.deepEqual(subjectsOf(ANONYMOUS), { user: "anonymous" });
  const who = (claims: Record<string, unknown>) => subjectsOf({ subject: "u1", claims, anonymous: false });
  assert.deepEqual(who({ name: "Ada", email: "a@x" }), { user_id: "u1", user: "Ada" });
  assert.deepEqual(who({ preferred_username: "ada", email: "a@x" }), { user_id: "u1", user: "ada" });
  assert.deepEqual(who({ email: "a@x", client_name: "cli", client_version: "2" }), {
    user_id: "u1",
    user: "a@x",
    client_name: "cli",
    client_version: "2",
  });
  assert.deepEqual(subjectsOf(ANONYMOUS, { name: "claude", version: "1.0" }), {
    user: "anonymous",
    client_name: "claude",
    client_version: "1.0",
  });
});

Deno.test("targetOf names the tool, prompt or resource, the MCP method and the endpoint", () => {
  assert.deepEqual(targetOf({ method: "tools/call", target: "echo" }, "/mcp", "POST"), {
    endpoint: "/mcp",
    method: "tools/call",
    type: "tool",
    name: "echo",
  });
  assert.deepEqual(targetOf({ method: "resources/read", target: "file:///a" }, "/mcp", "POST"), {
    endpoint: "/mcp",
    method: "resources/read",
    type: "resource",
    uri: "file:///a",
    name: "file:///a",
  });
  assert.deepEqual(targetOf(undefined, "/mcp", "DELETE"), { endpoint: "/mcp", method: "DELETE", type: "endpoint" });
});

Deno.test("redactData hides credential keys at any depth and bearer tokens and JWTs under any key", () => {
  const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";
  assert.deepEqual(
    redactData({
      params: {
        arguments: {
          query: "weather",
          api_key: "k1",
          apiKey: "k2",
          password: "p",
          nested: [{ access_token: "t", Authorization: "Basic eA==" }],
          header: "Bearer abc.def",
          carried: jwt,
          monkey: "banana",
          key: "k3",
        },
      },
    }),
    {
      params: {
        arguments: {
          query: "weather",
          api_key: REDACTED,
          apiKey: REDACTED,
          password: REDACTED,
          nested: [{ access_token: REDACTED, Authorization: REDACTED }],
          header: REDACTED,
          carried: REDACTED,
          monkey: "banana",
          key: REDACTED,
        },
      },
    },
  );
});

Deno.test("cappedData keeps a value that fits and cuts the JSON of one that does not", () => {
  assert.deepEqual(cappedData({ a: "b", token: "t" }, 100), { value: { a: "b", token: REDACTED }, truncated: false });
  const cut = cappedData({ text: "x".repeat(100), secret: "s".repeat(50) }, 40);
  assert.equal(cut.truncated, true);
  assert.equal(typeof cut.value, "string");
  assert.ok((cut.value as string).endsWith("…"));
  assert.ok(!(cut.value as string).includes("sssss"));
  assert.equal(new TextEncoder().encode((cut.value as string).slice(0, -1)).byteLength, 40);
});

Deno.test("delegationOf follows the act chain outermost first, to the depth allowed", () => {
  const claims = { sub: "u", act: { sub: "agent", act: { sub: "tool", act: { sub: "deep" } } } };
  assert.deepEqual(delegationOf(claims, 10), [{ sub: "agent" }, { sub: "tool" }, { sub: "deep" }]);
  assert.deepEqual(delegationOf(claims, 2), [{ sub: "agent" }, { sub: "tool" }]);
  assert.deepEqual(delegationOf({ sub: "u" }, 10), []);
});
