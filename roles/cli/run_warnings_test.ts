import assert from "node:assert/strict";
import { exposedHostWarning, ignoredKeysWarning, isLoopbackHost, migratedNotice } from "./run_warnings.ts";

Deno.test("isLoopbackHost: loopback addresses and names only", () => {
  for (
    const host of [
      "127.0.0.1",
      "127.1.2.3",
      "localhost",
      "LOCALHOST",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
    ]
  ) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (
    const host of ["0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", "127.0.0.1.nip.io"]
  ) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

Deno.test("exposedHostWarning: one line naming the host and how to restrict it, none on loopback", () => {
  assert.equal(exposedHostWarning("fetch", "127.0.0.1"), undefined);
  const line = exposedHostWarning("fetch", "0.0.0.0")!;
  assert.match(line, /^thv: warning: the proxy of fetch listens on 0\.0\.0\.0 and has no authentication, /);
  assert.match(line, /: run it with --host 127\.0\.0\.1 to keep it to this machine$/);
  assert.equal(line.includes("\n"), false);
});

Deno.test("ignoredKeysWarning names the keys, or says nothing", () => {
  assert.equal(ignoredKeysWarning("a.json", []), undefined);
  assert.equal(
    ignoredKeysWarning("a.json", ["scaling_config"]),
    "thv: warning: RunConfig a.json: scaling_config is not applied by thv yet, so the server runs without it: " +
      "remove it from the file to silence this",
  );
  assert.match(
    ignoredKeysWarning("a.json", ["a", "b"])!,
    /: a, b are not applied by thv yet, so the server runs without them: remove them/,
  );
});

Deno.test("migratedNotice says what reading an older RunConfig changed, or says nothing", () => {
  assert.equal(migratedNotice("a.json", []), undefined);
  assert.equal(
    migratedNotice("a.json", ["schema_version: none → v0.1.0 (the older shape has the same keys)"]),
    "thv: RunConfig a.json has an older schema, read as the current one: schema_version: none → v0.1.0 " +
      "(the older shape has the same keys)",
  );
});
