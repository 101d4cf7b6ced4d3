import assert from "node:assert/strict";
import { configReferences } from "./config_refs.ts";

Deno.test("configReferences lists every group and config a spec names, with the field", () => {
  assert.deepEqual(
    configReferences({
      image: "x",
      groupRef: { name: "team" },
      toolConfigRef: { name: "tools" },
      oidcConfigRef: { name: "idp", audience: "a" },
      authServerRef: { kind: "MCPExternalAuthConfig", name: "as" },
      telemetryConfigRef: { name: "" },
    }),
    [
      { kind: "MCPGroup", name: "team", field: "spec.groupRef" },
      { kind: "MCPToolConfig", name: "tools", field: "spec.toolConfigRef" },
      { kind: "MCPOIDCConfig", name: "idp", field: "spec.oidcConfigRef" },
      { kind: "MCPExternalAuthConfig", name: "as", field: "spec.authServerRef" },
    ],
  );
});

Deno.test("configReferences of a spec that is not an object is empty", () => {
  assert.deepEqual(configReferences(undefined), []);
  assert.deepEqual(configReferences("x"), []);
});
