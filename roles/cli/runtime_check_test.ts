import assert from "node:assert/strict";
import { formatRuntimeReport } from "./runtime_check.ts";

Deno.test("formatRuntimeReport shows engine, version and socket for a container engine", () => {
  assert.deepEqual(
    formatRuntimeReport({
      runtime: "podman",
      engine: "podman",
      socketPath: "/run/podman/podman.sock",
      reason: "found the podman socket",
      engineVersion: "4.3.1",
      apiVersion: "1.41",
    }),
    [
      "runtime: podman",
      "engine:  podman 4.3.1",
      "api:     1.41",
      "socket:  /run/podman/podman.sock",
      "reason:  found the podman socket",
    ],
  );
});

Deno.test("formatRuntimeReport leaves out engine rows for the Deno sandbox", () => {
  assert.deepEqual(formatRuntimeReport({ runtime: "deno", reason: "TOOLHIVE_RUNTIME=deno" }), [
    "runtime: deno",
    "reason:  TOOLHIVE_RUNTIME=deno",
  ]);
});
