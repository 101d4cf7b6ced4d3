import assert from "node:assert/strict";
import { isAttachable } from "./stdio_connector.ts";
import { attachUrl } from "./attach.ts";
import type { ClusterConfig } from "./config.ts";

const ready = {
  metadata: { name: "s-0" },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
};

Deno.test("isAttachable wants a Running, Ready pod that is not terminating", () => {
  assert.equal(isAttachable(ready), true);
  assert.equal(isAttachable({ ...ready, metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), false);
  assert.equal(isAttachable({ status: { ...ready.status, phase: "Pending" } }), false);
  assert.equal(isAttachable({ status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] } }), false);
  assert.equal(isAttachable(undefined), false);
});

Deno.test("attachUrl names the pod's attach subresource over wss with all three streams", () => {
  const config = { server: "https://10.0.0.1:6443" } as ClusterConfig;
  const url = new URL(attachUrl(config, { namespace: "a b", pod: "s-0", container: "mcp" }));
  assert.equal(url.protocol, "wss:");
  assert.equal(url.pathname, "/api/v1/namespaces/a%20b/pods/s-0/attach");
  assert.equal(url.searchParams.get("container"), "mcp");
  for (const stream of ["stdin", "stdout", "stderr"]) assert.equal(url.searchParams.get(stream), "true");
  assert.equal(
    new URL(attachUrl({ server: "http://h:1" } as ClusterConfig, {
      namespace: "n",
      pod: "p",
      container: "c",
    })).protocol,
    "ws:",
  );
});
