import assert from "node:assert/strict";
import { ConnectionState } from "./framing.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** Feeds `text` to `feed` split at every position into two chunks, and into single bytes. */
function splits(text: string): Uint8Array[][] {
  const all = bytes(text);
  const ways: Uint8Array[][] = [[all], Array.from(all, (b) => Uint8Array.of(b))];
  for (let i = 1; i < all.length; i++) ways.push([all.slice(0, i), all.slice(i)]);
  return ways;
}

Deno.test("ConnectionState follows requests split anywhere: heads, fixed and chunked bodies, pipelining", () => {
  const requests = "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
    "POST /mcp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
    "\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const chunks of splits(requests)) {
    const state = new ConnectionState();
    for (const c of chunks) state.fromClient(c);
    assert.equal(state.protocol, "http1");
    assert.equal(state.requests, 3);
    assert.equal(state.partial, false);
    assert.equal(state.receivingBody, false);
    assert.equal(state.busy, true, "three requests wait for answers");
  }
});

Deno.test("ConnectionState reports a partial head and a body still coming", () => {
  const state = new ConnectionState();
  state.fromClient(bytes("GET / HTTP/1.1\r\nHost: x\r\n"));
  assert.equal(state.partial, true);
  state.fromClient(bytes("\r\n"));
  assert.equal(state.partial, false);
  state.fromClient(bytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"));
  assert.equal(state.receivingBody, true);
  state.fromClient(bytes("cdefghij"));
  assert.equal(state.receivingBody, false);
  assert.equal(state.requests, 2);
});

Deno.test("ConnectionState counts answers: fixed, chunked, HEAD, 204, informational; then the connection is at rest", () => {
  const answers = "HTTP/1.1 100 Continue\r\n\r\n" +
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok" +
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" +
    "HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n" + // the answer to HEAD: no body
    "HTTP/1.1 204 No Content\r\n\r\n";
  for (const chunks of splits(answers)) {
    const state = new ConnectionState();
    state.fromClient(bytes("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"));
    state.fromClient(
      bytes("GET / HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n\r\nDELETE / HTTP/1.1\r\nCONTENT-length: 0\r\n\r\n"),
    );
    for (const c of chunks) state.fromServer(c);
    assert.equal(state.answered, 4);
    assert.equal(state.busy, false);
  }
});

Deno.test("ConnectionState keeps a streamed answer busy until it ends", () => {
  const state = new ConnectionState();
  state.fromClient(bytes("GET /mcp HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n"));
  state.fromServer(bytes("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"));
  state.fromServer(bytes("6\r\ndata: \r\n"));
  assert.equal(state.busy, true);
  state.fromServer(bytes("0\r\n\r\n"));
  assert.equal(state.busy, false);
});

Deno.test("ConnectionState follows HTTP/2 streams: open on the client's HEADERS, closed by the server's END_STREAM", () => {
  const frame = (type: number, flags: number, stream: number, length = 0) =>
    Uint8Array.of(length >> 16, (length >> 8) & 255, length & 255, type, flags, 0, 0, 0, stream, ...new Array(length));
  const state = new ConnectionState();
  state.fromClient(bytes("PRI * HTTP/2.0\r\n"));
  assert.equal(state.partial, true, "half a preface");
  state.fromClient(bytes("\r\nSM\r\n\r\n"));
  assert.equal(state.protocol, "h2");
  state.fromClient(frame(4, 0, 0, 6).subarray(0, 5));
  assert.equal(state.partial, true, "half a frame");
  state.fromClient(frame(4, 0, 0, 6).subarray(5));
  state.fromClient(frame(1, 4, 1, 3));
  assert.equal(state.busy, true);
  state.fromServer(frame(1, 4, 1, 2));
  assert.equal(state.busy, true, "headers without END_STREAM");
  state.fromServer(frame(0, 1, 1, 2));
  assert.equal(state.busy, false);
  assert.deepEqual([state.requests, state.answered], [1, 1]);
});

Deno.test("ConnectionState stops following after a 101 upgrade, and refuses what it cannot follow", () => {
  const state = new ConnectionState();
  state.fromClient(bytes("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"));
  state.fromServer(bytes("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x00"));
  assert.equal(state.protocol, "opaque");
  state.fromClient(bytes("anything"));
  assert.equal(state.busy, true);
  assert.throws(
    () => new ConnectionState().fromClient(bytes("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")),
    TypeError,
  );
  assert.throws(() => new ConnectionState().fromServer(bytes("SSH-2.0\r\n\r\n")), TypeError);
});

Deno.test("ConnectionState reads framing fields in any case, and a repeated transfer-encoding as one list", () => {
  const state = new ConnectionState();
  state.fromClient(bytes("POST / HTTP/1.1\r\nTRANSFER-ENCODING: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\na\r\n"));
  assert.equal(state.receivingBody, true);
  state.fromClient(bytes("0\r\n\r\n"));
  assert.equal(state.receivingBody, false);
  state.fromClient(bytes("POST / HTTP/1.1\r\nContent-Length:3\r\n\r\nab"));
  assert.equal(state.receivingBody, true);
});
