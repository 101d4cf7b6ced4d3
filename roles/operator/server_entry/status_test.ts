import assert from "node:assert/strict";
import { McpServerEntrySpec } from "../../../crds/mod.ts";
import { entryChecks, entryStatus } from "./status.ts";

const spec = (extra: Record<string, unknown> = {}) =>
  McpServerEntrySpec.parse({
    remoteUrl: "https://docs.example.com/mcp",
    transport: "sse",
    groupRef: { name: "eng" },
    ...extra,
  });
const found = { groupPhase: "Ready", externalAuthConfigExists: true, caBundleExists: true, secretKeys: new Map() };

Deno.test("entryChecks passes a valid entry with ToolHive's reasons; no header condition without secret headers", () => {
  const checks = entryChecks(spec(), "ns", found);
  assert.deepEqual(checks.map((c) => `${c.type}=${c.status}:${c.reason}`), [
    "RemoteURLValidated=True:RemoteURLValid",
    "GroupRefValidated=True:GroupRefIsValid",
    "ExternalAuthConfigValidated=True:AuthConfigNotConfigured",
    "CABundleRefValidated=True:CABundleRefNotConfigured",
  ]);
  assert.equal(entryStatus([], checks, 1, new Date(0)).phase, "Valid");
});

Deno.test("entryChecks reports each missing reference, and the entry is Failed with Valid=False ConfigInvalid", () => {
  const checks = entryChecks(
    spec({
      remoteUrl: "http://localhost:3000/mcp",
      externalAuthConfigRef: { name: "a" },
      caBundleRef: { configMapRef: { name: "ca", key: "ca.crt" } },
      headerForward: {
        addHeadersFromSecret: [
          { headerName: "A", valueSecretRef: { name: "gone", key: "k" } },
          { headerName: "B", valueSecretRef: { name: "here", key: "nokey" } },
        ],
      },
    }),
    "ns",
    {
      groupPhase: "Pending",
      externalAuthConfigExists: false,
      caBundleExists: false,
      secretKeys: new Map([["here", ["k"]]]),
    },
  );
  assert.deepEqual(checks.map((c) => c.message), [
    'remote URL host is not allowed: hostname "localhost" matches blocked internal hostname "localhost"',
    "MCPGroup 'eng' is not ready (current phase: Pending)",
    "Referenced MCPExternalAuthConfig not found",
    "Referenced CA bundle ConfigMap not found",
    'Secret "gone" referenced for header "A" not found; Secret "here" has no key "nokey" referenced for header "B"',
  ]);
  const status = entryStatus([], checks, 3, new Date(0));
  assert.equal(status.phase, "Failed");
  const valid = status.conditions.find((c) => c.type === "Valid");
  assert.deepEqual([valid?.reason, valid?.observedGeneration], ["ConfigInvalid", 3]);
  const missingGroup = entryChecks(spec(), "ns", { ...found, groupPhase: undefined });
  assert.equal(missingGroup[1]?.message, "MCPGroup 'eng' not found in namespace 'ns'");
});
