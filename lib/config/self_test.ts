import assert from "node:assert/strict";
import { selfCommand } from "./self.ts";

Deno.test("selfCommand runs main.ts with deno and thv's config from source, and the binary alone when compiled", () => {
  const fromSource = selfCommand("/opt/deno/deno", "file:///src/thv/main.ts");
  assert.deepEqual(fromSource.slice(0, 2), ["/opt/deno/deno", "run"]);
  assert.ok(fromSource.includes("--allow-run"));
  assert.deepEqual(fromSource.slice(-2), ["--config=/src/thv/deno.json", "/src/thv/main.ts"]);
  assert.deepEqual(selfCommand("/usr/local/bin/thv", "file:///tmp/deno-compile-thv/main.ts"), ["/usr/local/bin/thv"]);
  assert.equal(selfCommand("/d/deno", "file:///a%20b/main.ts").at(-1), "/a b/main.ts");
});
