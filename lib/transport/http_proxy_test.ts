import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { createHttpProxy } from "./http_proxy.ts";

const log = createLogger({ format: "json", level: "error", write: () => {} });

Deno.test("createHttpProxy answers 502 for a POST whose kept-alive upstream connection closed unanswered, and does not send it again", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      const buf = new Uint8Array(64 * 1024);
      let text = "";
      // One answered request, then the next one is read and the connection closed without an answer.
      for (let answered = 0; answered < 2;) {
        const n = await conn.read(buf);
        if (n === null) break;
        text += new TextDecoder().decode(buf.subarray(0, n));
        const end = text.indexOf("\r\n\r\n");
        const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
        if (end < 0 || text.length < end + 4 + length) continue;
        seen.push(text.slice(end + 4, end + 4 + length));
        text = text.slice(end + 4 + length);
        if (answered++ === 0) {
          await conn.write(
            new TextEncoder().encode(
              "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
            ),
          );
        }
      }
      conn.close();
    }
  })();
  const proxy = createHttpProxy({
    targetUrl: `http://127.0.0.1:${listener.addr.port}/mcp`,
    transport: "streamable-http",
    log,
  });
  const post = (body: string) =>
    proxy.handler(
      new Request("http://localhost/mcp", { method: "POST", headers: { "content-type": "application/json" }, body }),
    );
  try {
    assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}')).status, 200);
    const call = '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"charge"}}';
    const refused = await post(call);
    assert.equal(refused.status, 502);
    const body = await refused.json();
    assert.equal(body.error.code, -32000);
    assert.match(body.error.message, /was not sent again, as it may have run/);
    assert.equal(seen.filter((b) => b === call).length, 1, "the upstream saw the call once");
  } finally {
    await proxy.close();
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("createHttpProxy sets addHeaders on every upstream request, replacing a client's header of the same name", async () => {
  const seen: Array<Record<string, string>> = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen.push(Object.fromEntries(req.headers));
    return Response.json({ jsonrpc: "2.0", id: 1, result: {} });
  });
  const proxy = createHttpProxy({
    targetUrl: `http://127.0.0.1:${server.addr.port}/mcp`,
    transport: "streamable-http",
    addHeaders: { "X-Api-Key": "from-secret", "X-Tenant": "acme" },
    log,
  });
  try {
    for (const key of ["client-value", undefined]) {
      const res = await proxy.handler(
        new Request("http://localhost/mcp", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...(key ? { "x-api-key": key } : {}),
          },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
        }),
      );
      await res.body?.cancel();
    }
  } finally {
    await proxy.close();
  }
  assert.deepEqual(
    seen.map((h) => [h["x-api-key"], h["x-tenant"]]),
    [["from-secret", "acme"], ["from-secret", "acme"]],
  );
});
