import assert from "node:assert/strict";
import { parseRunConfig } from "../run_config.ts";
import { kubernetesManifests } from "./export.ts";

const config = (extra: Record<string, unknown>) =>
  parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fetch",
      image: "ex/fetch:1",
      transport: "stdio",
      port: 8080,
      ...extra,
    }),
    "test",
  );
const spec = (objects: Record<string, unknown>[]) => (objects.at(-1) as { spec: Record<string, unknown> }).spec;

Deno.test("kubernetesManifests turns audit on in the MCPServer when the workload audits, and not otherwise", () => {
  assert.deepEqual(spec(kubernetesManifests(config({ audit_config: { enabled: true } }))).audit, { enabled: true });
  assert.deepEqual(spec(kubernetesManifests(config({ audit_config_path: "/a.json" }))).audit, { enabled: true });
  assert.equal(spec(kubernetesManifests(config({ audit_config: { enabled: false } }))).audit, undefined);
  assert.equal(spec(kubernetesManifests(config({}))).audit, undefined);
});

Deno.test("kubernetesManifests refuses a workload with webhooks rather than export it without them", () => {
  const hook = { name: "h", url: "https://h.test", timeout: 0, failure_policy: "fail" };
  assert.throws(() => kubernetesManifests(config({ validating_webhooks: [hook] })), {
    name: "RangeError",
    message: /^Workload fetch calls webhooks: write them as an MCPWebhookConfig/,
  });
});
