import assert from "node:assert/strict";
import { landlockAbi } from "./connector.ts";
import { confinementWarning } from "./landlock.ts";

Deno.test("confinementWarning says nothing where Landlock confines the server, one line where it cannot", () => {
  assert.equal(confinementWarning(1, "linux"), undefined);
  assert.equal(confinementWarning(7, "linux"), undefined);
  const linux = confinementWarning(0, "linux")!;
  assert.match(linux, /^The sandbox cannot confine files at the OS level this Linux kernel has no Landlock/);
  assert.match(confinementWarning(0, "darwin")!, /on darwin: only Deno's path checks apply/);
  for (const w of [linux, confinementWarning(0, "darwin")!]) assert.ok(!w.includes("\n"), w);
});

Deno.test("landlockAbi asks the kernel through the launcher: this machine's Linux has Landlock", async () => {
  // The build machines run kernel 6.18 (ABI 7); a kernel without Landlock would answer 0 and thv would warn.
  assert.ok((await landlockAbi()) >= 1);
});
