import assert from "node:assert/strict";
import type { Request } from "./jsonrpc.ts";
import { ToolFilter, UNKNOWN_TOOL } from "./tool_filter.ts";
import { filterRequestBody, toolListRewriter } from "./tool_filter_http.ts";

const call = (name: string): Request => ({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name, arguments: {} },
});
const LIST = { tools: [{ name: "echo", description: "e" }, { name: "add", description: "a" }, { name: "env" }] };

Deno.test("ToolFilter.of: nothing configured means no filter at all", () => {
  assert.equal(ToolFilter.of({}), undefined);
  assert.equal(ToolFilter.of({ tools_filter: [], tools_override: {} }), undefined);
});

Deno.test("ToolFilter: the list keeps allowed tools under their new names; calls map back or are refused", () => {
  const f = ToolFilter.of({
    tools_filter: ["say", "add"],
    tools_override: { echo: { name: "say", description: "Says" } },
  })!;
  assert.deepEqual(f.listResult(LIST), {
    tools: [{ name: "say", description: "Says" }, { name: "add", description: "a" }],
  });
  assert.deepEqual(f.call(call("say")), { forward: { ...call("echo") } });
  assert.deepEqual(f.call(call("add")), { forward: call("add") });
  for (const refused of ["env", "echo", "nope"]) {
    const d = f.call(call(refused));
    assert.ok("refuse" in d, refused);
    assert.deepEqual(d.refuse.error, { code: UNKNOWN_TOOL, message: `Unknown tool: ${refused}` });
    assert.equal(d.refuse.id, 7);
  }
});

Deno.test("ToolFilter: an override alone renames without hiding; a tool whose name another took is hidden", () => {
  const f = ToolFilter.of({ tools_override: { echo: { name: "env" }, add: { description: "plus" } } })!;
  assert.deepEqual(f.listResult(LIST), {
    tools: [{ name: "env", description: "e" }, { name: "add", description: "plus" }],
  });
  assert.deepEqual(f.call(call("env")), { forward: call("echo") });
  assert.ok("refuse" in f.call(call("echo")), "the server's name of a renamed tool is refused");
  assert.deepEqual(f.response({ jsonrpc: "2.0", id: 1, error: { code: 1, message: "x" } }).error?.message, "x");
});

Deno.test("ToolFilter.of refuses two tools given one name, and a filter naming a tool renamed away", () => {
  assert.throws(
    () => ToolFilter.of({ tools_override: { a: { name: "x" }, b: { name: "x" } } }),
    /^TypeError: tools_override gives tools a and b the same name x: give each tool its own name$/,
  );
  assert.throws(() => ToolFilter.of({ tools_override: { a: { name: "b" }, b: {} } }), /tools a and b the same name b/);
  assert.throws(
    () => ToolFilter.of({ tools_filter: ["a"], tools_override: { a: { name: "x" } } }),
    /^TypeError: tools_filter names tool a, which tools_override renames to x: name it x in the filter$/,
  );
  // A swap is fine: clients' a is the server's b.
  const swap = ToolFilter.of({ tools_filter: ["a"], tools_override: { a: { name: "b" }, b: { name: "a" } } })!;
  assert.deepEqual(swap.call(call("a")), { forward: call("b") });
});

Deno.test("filterRequestBody: untouched unless it mentions tools/; renames, refuses with 400, spots a list", async () => {
  const f = ToolFilter.of({ tools_filter: ["say"], tools_override: { echo: { name: "say" } } })!;
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const ping = enc({ jsonrpc: "2.0", id: 1, method: "ping" });
  const same = filterRequestBody(f, ping);
  assert.ok("body" in same && same.body === ping && !same.lists);
  const renamed = filterRequestBody(f, enc(call("say")));
  assert.ok("body" in renamed);
  assert.equal(JSON.parse(new TextDecoder().decode(renamed.body)).params.name, "echo");
  const listed = filterRequestBody(f, enc([{ jsonrpc: "2.0", id: 2, method: "tools/list" }]));
  assert.ok("body" in listed && listed.lists);
  const refused = filterRequestBody(f, enc(call("add")));
  assert.ok("refuse" in refused);
  assert.equal(refused.refuse.status, 400);
  assert.equal((await refused.refuse.json()).error.message, "Unknown tool: add");
});

Deno.test("toolListRewriter: rewrites tools/list answers in an SSE stream, split anywhere; other events pass", async () => {
  const f = ToolFilter.of({ tools_filter: ["say"], tools_override: { echo: { name: "say" } } })!;
  const answer = JSON.stringify({ jsonrpc: "2.0", id: 3, result: LIST });
  const text =
    `: keep-alive\n\nevent: message\nid: 9\ndata: ${answer}\n\nevent: message\ndata: {"jsonrpc":"2.0","id":4,"result":{}}\n\n`;
  const bytes = new TextEncoder().encode(text);
  const chunks = [bytes.slice(0, 20), bytes.slice(20, 77), bytes.slice(77)];
  const out = await new Response(ReadableStream.from(chunks).pipeThrough(toolListRewriter(f))).text();
  const events = out.split("\n\n");
  assert.equal(events[0], ": keep-alive");
  assert.match(events[1]!, /^event: message\nid: 9\ndata: /);
  assert.deepEqual(JSON.parse(events[1]!.split("data: ")[1]!).result.tools, [{ name: "say", description: "e" }]);
  assert.equal(events[2], 'event: message\ndata: {"jsonrpc":"2.0","id":4,"result":{}}');
});

Deno.test("ToolFilter: an override's annotations replace the server's field by field", () => {
  const f = ToolFilter.of({
    tools_override: { echo: { annotations: { title: "Echo", readOnlyHint: true } } },
  })!;
  const list = {
    tools: [{ name: "echo", annotations: { readOnlyHint: false, openWorldHint: true } }, { name: "add" }],
  };
  assert.deepEqual(f.listResult(list), {
    tools: [
      { name: "echo", annotations: { readOnlyHint: true, openWorldHint: true, title: "Echo" } },
      { name: "add" },
    ],
  });
});
