import assert from "node:assert/strict";
import { LOCAL_RANGES_V4, localDenyList, subtractCidr } from "./local_ranges.ts";

Deno.test("subtractCidr cuts a block out of a range with the fewest blocks", () => {
  assert.deepEqual(subtractCidr("10.0.0.0/8", "192.168.1.1"), ["10.0.0.0/8"]);
  assert.deepEqual(subtractCidr("10.0.0.0/8", "10.0.0.0/8"), []);
  assert.deepEqual(subtractCidr("10.1.0.0/16", "10.0.0.0/8"), []);
  assert.deepEqual(subtractCidr("127.0.0.0/30", "127.0.0.1"), ["127.0.0.2/31", "127.0.0.0/32"]);
  const rest = subtractCidr("127.0.0.0/8", "127.0.0.1/32");
  assert.equal(rest.length, 24);
  // Together they cover the range but the hole: 2^24 - 1 addresses.
  const count = rest.reduce((n, c) => n + 2 ** (32 - Number(c.split("/")[1])), 0);
  assert.equal(count, 2 ** 24 - 1);
  assert.ok(!rest.includes("127.0.0.1/32"));
});

Deno.test("localDenyList denies the local ranges but what the allow list names by address", () => {
  assert.deepEqual(localDenyList([]), [...LOCAL_RANGES_V4, "[::1]", "[::]", "[fd00:ec2::254]"]);
  assert.deepEqual(localDenyList(["api.github.com", "a.io:443"]), localDenyList([]));
  const granted = localDenyList(["10.0.0.0/8", "192.168.1.5:5432", "[::1]:8080"]);
  assert.ok(!granted.includes("10.0.0.0/8") && !granted.some((c) => c.startsWith("10.")), granted.join());
  assert.ok(!granted.includes("192.168.0.0/16") && granted.includes("192.168.1.4/32"), granted.join());
  assert.ok(!granted.includes("[::1]") && granted.includes("[::]"));
  const local = localDenyList(["localhost"]);
  assert.ok(!local.some((c) => c.startsWith("127.")) && !local.includes("[::1]"), local.join());
});
