import assert from "node:assert/strict";
import { createCa, issueCert } from "../../../tests/harness/pki.ts";
import { Http1Pool, UpstreamClosedError, type UpstreamResponse } from "./pool.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The requests arriving on one raw server connection, read one at a time. */
class RawRequests {
  readonly #conn: Deno.Conn;
  #buffered = new Uint8Array(0);

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** The next request (head as text, body as text), or null when the client closed the connection. */
  async next(): Promise<{ head: string; body: string } | null> {
    while (true) {
      const text = decoder.decode(this.#buffered);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = text.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (this.#buffered.length >= end + 4 + length) {
          const body = decoder.decode(this.#buffered.subarray(end + 4, end + 4 + length));
          this.#buffered = this.#buffered.slice(end + 4 + length);
          return { head, body };
        }
      }
      const chunk = new Uint8Array(4096);
      const n = await this.#conn.read(chunk).catch(() => null);
      if (n === null) return null;
      const joined = new Uint8Array(this.#buffered.length + n);
      joined.set(this.#buffered);
      joined.set(chunk.subarray(0, n), this.#buffered.length);
      this.#buffered = joined;
    }
  }
}

/** A raw HTTP server on loopback: `handle` gets each accepted connection and its index. */
function rawServer(handle: (conn: Deno.Conn, requests: RawRequests, index: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tasks: Promise<void>[] = [];
  let accepted = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      const index = accepted++;
      tasks.push(
        handle(conn, new RawRequests(conn), index).catch(() => {}).finally(() => {
          try {
            conn.close();
          } catch { /* closed by the handler */ }
        }),
      );
    }
  })();
  return {
    url: new URL(`http://127.0.0.1:${listener.addr.port}/`),
    accepted: () => accepted,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.all(tasks);
    },
  };
}

const write = (conn: Deno.Conn, text: string) => conn.write(encoder.encode(text));

async function bodyText(res: UpstreamResponse): Promise<string> {
  if (res.body === null) return "";
  return decoder.decode(res.body instanceof Uint8Array ? res.body : await new Response(res.body).arrayBuffer());
}

/** Polls `check` every 10 ms until it holds; fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Rejects when `promise` has not settled within `ms` (so a buffered stream fails the test, not hangs it). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

Deno.test("Http1Pool sends requests in sequence on one kept-alive connection, head and body as given", async () => {
  const seen: Array<{ head: string; body: string }> = [];
  await using server = rawServer(async (conn, requests) => {
    for (let r = await requests.next(); r; r = await requests.next()) {
      seen.push(r);
      await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    }
  });
  const pool = new Http1Pool(server.url);
  try {
    for (let i = 0; i < 3; i++) {
      const res = await pool.request(
        "POST",
        `/mcp?i=${i}`,
        [["content-type", "application/json"]],
        encoder.encode("{}"),
      );
      assert.equal(res.status, 200);
      assert.ok(res.body instanceof Uint8Array, "a body that came with the head is handed over whole");
      assert.equal(await bodyText(res), "ok");
    }
    assert.equal(server.accepted(), 1);
    assert.equal(pool.idle, 1);
    assert.equal(
      seen[2]!.head,
      `POST /mcp?i=2 HTTP/1.1\r\nhost: ${server.url.host}\r\ncontent-type: application/json\r\ncontent-length: 2`,
    );
    assert.equal(seen[2]!.body, "{}");
    const get = await pool.request("GET", "/", []);
    assert.equal(await bodyText(get), "ok");
    assert.doesNotMatch(seen[3]!.head, /content-length/, "no body, no content-length");
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool streams a chunked body as it arrives, then keeps the connection", async () => {
  const firstRead = Promise.withResolvers<void>();
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
    await write(conn, "d\r\ndata: hello\n\n\r\n");
    await firstRead.promise; // the rest is sent only once the client has seen the first event
    await write(conn, "d\r\ndata: world\n\n\r\n0\r\n\r\n");
    await requests.next();
  });
  const pool = new Http1Pool(server.url);
  try {
    const res = await pool.request("GET", "/sse", []);
    assert.ok(res.body instanceof ReadableStream);
    const reader = res.body.getReader();
    const first = await within(reader.read(), 5000, "the first event before the body ends");
    assert.equal(decoder.decode(first.value), "data: hello\n\n");
    firstRead.resolve();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
    assert.equal(rest, "data: world\n\n");
    assert.equal(pool.idle, 1, "a complete chunked body returns the connection");
  } finally {
    firstRead.resolve();
    pool.close();
  }
});

Deno.test("Http1Pool hands over whole a chunked body that came with the head; skips interim and bodiless answers", async () => {
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(
      conn,
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nt: v\r\n\r\n",
    );
    await requests.next();
    await write(conn, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n");
    await requests.next();
  });
  const pool = new Http1Pool(server.url);
  try {
    const chunked = await pool.request("GET", "/", []);
    assert.ok(chunked.body instanceof Uint8Array);
    assert.equal(await bodyText(chunked), "abcde");
    const noContent = await pool.request("DELETE", "/", []);
    assert.equal(noContent.status, 204);
    assert.equal(noContent.body, null);
    const head = await pool.request("HEAD", "/", []);
    assert.equal(head.body, null, "a HEAD answer has no body, whatever its content-length");
    assert.equal(server.accepted(), 1);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool reads a body without length until the server closes, and does not reuse that connection", async () => {
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\n\r\nabc");
    await write(conn, "def");
    conn.close();
  });
  const pool = new Http1Pool(server.url);
  try {
    const res = await pool.request("GET", "/", []);
    assert.equal(await bodyText(res), "abcdef");
    assert.equal(pool.connections, 0);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool notices a kept-alive connection the server closed, and opens a new one", async () => {
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na");
    conn.close(); // the server's keep-alive timeout, at once
  });
  const pool = new Http1Pool(server.url);
  try {
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "a");
    await until(() => pool.connections === 0, 5000, "the pool drops the closed connection");
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "a");
    assert.equal(server.accepted(), 2);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool sends a request again when its kept-alive connection closes without any answer", async () => {
  await using server = rawServer(async (conn, requests, index) => {
    await requests.next();
    await write(conn, `HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${index}`);
    if (index === 0) await requests.next(); // the second request arrives, and the connection closes unanswered
  });
  const pool = new Http1Pool(server.url);
  try {
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "0");
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "1");
    assert.equal(server.accepted(), 2);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool does not send a POST again when its kept-alive connection closes unanswered: it may have run", async () => {
  const received: string[] = [];
  await using server = rawServer(async (conn, requests, index) => {
    await requests.next();
    await write(conn, `HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${index}`);
    const call = await requests.next(); // the tools/call arrives, and the connection closes unanswered
    if (call) received.push(call.body);
  });
  const pool = new Http1Pool(server.url);
  try {
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "0");
    const call = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "charge" } });
    await assert.rejects(
      pool.request("POST", "/mcp", [["content-type", "application/json"]], encoder.encode(call)),
      (e) => e instanceof UpstreamClosedError && /not sent again/.test(e.message),
    );
    assert.deepEqual(received, [call], "the server saw the call once");
    assert.equal(server.accepted(), 1, "no second connection carried it again");
    assert.equal(await bodyText(await pool.request("GET", "/", [])), "1", "the pool goes on with a new connection");
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool closes the connection of a streamed body that is cancelled", async () => {
  const clientLeft = Promise.withResolvers<void>();
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n");
    if ((await requests.next()) === null) clientLeft.resolve();
  });
  const pool = new Http1Pool(server.url);
  try {
    const res = await pool.request("GET", "/", []);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    assert.equal(decoder.decode((await reader.read()).value), "a");
    await reader.cancel();
    await within(clientLeft.promise, 5000, "the server to see the connection close");
    assert.equal(pool.connections, 0);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool rejects a refused connection and a malformed answer", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = probe.addr.port;
  probe.close();
  const refused = new Http1Pool(new URL(`http://127.0.0.1:${closedPort}/`));
  await assert.rejects(refused.request("GET", "/", []), Deno.errors.ConnectionRefused);
  refused.close();

  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 2xx Nope\r\n\r\n");
    await requests.next();
  });
  const pool = new Http1Pool(server.url);
  try {
    await assert.rejects(pool.request("GET", "/", []), TypeError);
    assert.equal(pool.connections, 0);
  } finally {
    pool.close();
  }
});

Deno.test("Http1Pool.close ends a streamed body and closes idle connections", async () => {
  await using server = rawServer(async (conn, requests) => {
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na");
    await requests.next();
    await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nb\r\n");
    await requests.next();
  });
  const pool = new Http1Pool(server.url);
  await pool.request("GET", "/", []);
  const res = await pool.request("GET", "/", []);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  assert.equal(decoder.decode((await reader.read()).value), "b");
  pool.close();
  assert.equal((await within(reader.read(), 5000, "the stream to end")).done, true);
  assert.equal(pool.connections, 0);
  await assert.rejects(pool.request("GET", "/", []), /closed/);
});

Deno.test("Http1Pool speaks https to a server whose certificate it is given the root of", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ca = await createCa(dir);
    const cert = await issueCert(ca, dir, "server", {
      kind: "server",
      commonName: "localhost",
      ips: [],
      dns: ["localhost"],
    });
    await using server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(cert.cert),
      key: await Deno.readTextFile(cert.key),
      onListen: () => {},
    }, async (req) => new Response(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`));
    const pool = new Http1Pool(new URL(`https://localhost:${server.addr.port}/`), {
      caCerts: [await Deno.readTextFile(ca.cert)],
    });
    try {
      for (const body of ["one", "two"]) {
        assert.equal(await bodyText(await pool.request("POST", "/mcp", [], encoder.encode(body))), `POST /mcp ${body}`);
      }
      assert.equal(pool.connections, 1);
    } finally {
      pool.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
