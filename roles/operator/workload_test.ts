import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { orphanedProxyPods } from "./workload.ts";

const now = new Date("2026-11-21T10:00:00Z");

Deno.test("orphanedProxyPods: a proxy running a minute without its StatefulSet is replaced, a younger one looked at later", () => {
  const started = (seconds: number): V1Pod => ({
    metadata: { name: `p${seconds}` },
    status: {
      phase: "Running",
      containerStatuses: [{
        name: "toolhive",
        image: "i",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { running: { startedAt: new Date(now.getTime() - seconds * 1000) } },
      }],
    },
  });
  const pending: V1Pod = { metadata: { name: "pending" }, status: { phase: "Pending" } };
  const pods = [started(90), started(20), pending, {
    ...started(120),
    metadata: { name: "gone", deletionTimestamp: now },
  }];
  const result = orphanedProxyPods(pods, { statefulSetExists: false, now });
  assert.deepEqual(result.orphaned.map((p) => p.metadata!.name), ["p90"]);
  assert.equal(result.recheckAfterMs, 40_000);
  assert.deepEqual(orphanedProxyPods(pods, { statefulSetExists: true, now }), { orphaned: [] });
});
