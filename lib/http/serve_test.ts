import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { bodyLimit } from "./body.ts";
import { HttpError } from "./error.ts";
import { withMiddleware } from "./middleware.ts";
import { serve } from "./serve.ts";

for (const backend of ["unix", "tcp"] as const) {
  Deno.test(`serve (${backend} backend) serves requests, cuts an unfinished head, and shuts down`, async () => {
    const timeouts: string[] = [];
    const server = serve(
      { hostname: "127.0.0.1", port: 0, backend, headersTimeoutMs: 300, onTimeout: (w) => timeouts.push(w) },
      (req) => new Response(`${req.method} ${new URL(req.url).pathname}`),
    );
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const slow = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await slow.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n"));
    assert.equal(await (await fetch(`${origin}/a`, { method: "POST", body: "x" })).text(), "POST /a");
    assert.equal(await slow.read(new Uint8Array(16)), null, "the unfinished head was cut");
    slow.close();
    assert.deepEqual(timeouts, ["headers"]);
    await server.shutdown();
    await server.finished;
    await assert.rejects(fetch(`${origin}/a`), TypeError, "no longer listening");
  });
}

Deno.test("serve with both limits 0 is plain Deno.serve: it serves and shuts down", async () => {
  const server = serve(
    { hostname: "127.0.0.1", port: 0, headersTimeoutMs: 0, idleTimeoutMs: 0 },
    () => new Response("direct"),
  );
  assert.equal(await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(), "direct");
  await server.shutdown();
  await server.finished;
});

Deno.test("serve falls back to a loopback TCP backend where no temporary folder can be made", async () => {
  // As under a read-only root. Not through TMPDIR: the env is shared with the test files running beside this one.
  const server = serve(
    { hostname: "127.0.0.1", port: 0, backendParent: "/nonexistent-thv-tmp" },
    (req) => new Response(new URL(req.url).protocol),
  );
  assert.equal(await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(), "http:", "served over TCP");
  await server.shutdown();
});

Deno.test("serve passes bytes it cannot follow to the server, which answers them: a bad content-length gets 400", async () => {
  const server = serve({ hostname: "127.0.0.1", port: 0, headersTimeoutMs: 5_000 }, () => new Response("ok"));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await conn.write(new TextEncoder().encode("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n"));
  const answer = await new Response(conn.readable).text(); // to the end: the server closes
  assert.match(answer, /^HTTP\/1\.1 400 /);
  await server.shutdown();
});

Deno.test("serve is the error boundary: an HttpError is answered as onError renders it, any other error is a logged 500", async () => {
  const logged: string[] = [];
  const log = createLogger({ format: "json", level: "error", write: (l) => logged.push(l) });
  const server = serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      log,
      onError: (e) => Response.json({ message: e.message }, { status: e.status, headers: e.headers }),
    },
    withMiddleware(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/broken") throw new Error("internal detail");
      if (path === "/read") return new Response(`${(await req.bytes()).length} bytes`);
      throw new HttpError(405, "Method not allowed: use GET", { headers: { allow: "GET" } });
    }, bodyLimit({ maxBytes: 4 })),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  try {
    const refused = await fetch(`${origin}/x`, { method: "POST", body: "1" });
    assert.deepEqual([refused.status, refused.headers.get("allow"), await refused.json()], [405, "GET", {
      message: "Method not allowed: use GET",
    }]);
    const broken = await fetch(`${origin}/broken`);
    assert.deepEqual([broken.status, await broken.json()], [500, { message: "Internal server error" }]);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /"msg":"Request failed".*internal detail/);
    // A chunked body (no content-length) past the limit, through the relay.
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("123456"));
        c.close();
      },
    });
    const large = await fetch(`${origin}/read`, { method: "POST", body: chunked });
    assert.equal(large.status, 413);
    await large.body?.cancel();
  } finally {
    await server.shutdown();
  }
});
