import assert from "node:assert/strict";
import {
  encodeRequest,
  headEnd,
  headerValue,
  keepsAlive,
  parseResponseHead,
  requestHead,
  responseFraming,
  type ResponseHead,
} from "./head.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const head = (s: string): ResponseHead => {
  const b = Uint8Array.from(s, (c) => c.charCodeAt(0));
  return parseResponseHead(b, headEnd(b));
};

Deno.test("headEnd finds the blank line only once it is complete", () => {
  const wire = "HTTP/1.1 200 OK\r\na: b\r\n\r\nbody";
  assert.equal(headEnd(bytes(wire)), wire.indexOf("body"));
  assert.equal(headEnd(bytes(wire.slice(0, wire.indexOf("body") - 1))), -1);
  assert.equal(headEnd(bytes(wire), 20), wire.indexOf("body"), "a later start still finds it");
});

Deno.test("parseResponseHead reads status, reason and fields in order with lower-case names", () => {
  const h = head("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie:b=2 \r\n\r\n");
  assert.equal(h.status, 404);
  assert.equal(h.statusText, "Not Found");
  assert.equal(h.http10, false);
  assert.deepEqual(h.headers, [["content-type", "text/plain"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
  assert.equal(headerValue(h, "set-cookie"), "a=1, b=2");
  assert.equal(headerValue(h, "missing"), undefined);
  assert.equal(head("HTTP/1.0 200\r\n\r\n").statusText, "");
  assert.equal(head("HTTP/1.0 200\r\n\r\n").http10, true);
  assert.equal(head("HTTP/1.1 200 OK\r\nx: caf\u00e9\r\n\r\n").headers[0]![1], "caf\u00e9", "bytes are latin1");
});

Deno.test("parseResponseHead refuses a malformed status line or field", () => {
  for (
    const wire of ["HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n"]
  ) {
    assert.throws(() => head(wire), TypeError, wire);
  }
  assert.throws(() => head("HTTP/1.1 200 OK\r\na: b\r\n folded\r\n\r\n"), TypeError, "obsolete line folding");
});

Deno.test("responseFraming follows RFC 9112: no body, chunked, length, or until close", () => {
  const table: Array<[string, string, string]> = [
    ["HEAD", "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n", "none"],
    ["GET", "HTTP/1.1 204 No Content\r\n\r\n", "none"],
    ["GET", "HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\n", "none"],
    ["GET", "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\ncontent-length: 5\r\n\r\n", "chunked"],
    ["GET", "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n", "close"],
    ["POST", "HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n", "length 12"],
    ["POST", "HTTP/1.1 200 OK\r\ncontent-length: 12, 12\r\n\r\n", "length 12"],
    ["GET", "HTTP/1.1 200 OK\r\n\r\n", "close"],
  ];
  for (const [method, wire, want] of table) {
    const f = responseFraming(method, head(wire));
    assert.equal(f.kind === "length" ? `length ${f.length}` : f.kind, want, `${method} ${wire}`);
  }
  for (const bad of ["1, 2", "-1", "abc", "99999999999999999999"]) {
    assert.throws(() => responseFraming("GET", head(`HTTP/1.1 200 OK\r\ncontent-length: ${bad}\r\n\r\n`)), TypeError);
  }
});

Deno.test("keepsAlive: HTTP/1.1 unless connection: close, HTTP/1.0 only with keep-alive, never for close framing", () => {
  const table: Array<[string, boolean]> = [
    ["HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", true],
    ["HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: Close\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: upgrade, close\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n", true],
    ["HTTP/1.1 200 OK\r\n\r\n", false],
  ];
  for (const [wire, want] of table) {
    const h = head(wire);
    assert.equal(keepsAlive(h, responseFraming("GET", h)), want, wire);
  }
});

Deno.test("requestHead and encodeRequest put request line, host, fields, length and body in one buffer", () => {
  const text = requestHead("POST", "/mcp?x=1", "127.0.0.1:8080", [["accept", "a/b"], ["x-name", "caf\u00e9"]], 2);
  assert.equal(
    text,
    "POST /mcp?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\naccept: a/b\r\nx-name: caf\u00e9\r\ncontent-length: 2\r\n\r\n",
  );
  const wire = encodeRequest(text, bytes("{}"));
  assert.equal(wire.length, text.length + 2, "one byte per header character (latin1), then the body");
  assert.equal(wire[text.indexOf("\u00e9")], 0xe9);
  assert.equal(new TextDecoder().decode(wire.subarray(text.length)), "{}");
  assert.equal(requestHead("GET", "/", "h", [], undefined), "GET / HTTP/1.1\r\nhost: h\r\n\r\n");
});
