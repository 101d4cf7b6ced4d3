import assert from "node:assert/strict";
import { ApiError, type ReconcileResult } from "../../lib/k8s/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { FINALIZER, type ReconcileDeps, reconcileMcpServer } from "./reconcile.ts";

/** Deps whose cache still holds a server being deleted, and whose every write to it answers `code`. */
function staleDeps(code: number, stillThere: boolean): { deps: ReconcileDeps; reads: string[] } {
  const reads: string[] = [];
  const raw = {
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: {
      name: "osv",
      namespace: "ns",
      uid: "u1",
      resourceVersion: "7",
      finalizers: [FINALIZER],
      deletionTimestamp: "2026-12-01T00:00:00Z",
    },
    spec: { image: "x" },
  };
  const refuse = () => Promise.reject(new ApiError(code, "PATCH mcpservers/osv", `answer (HTTP ${code})`));
  const deps = {
    client: {
      mergePatch: refuse,
      patchStatus: refuse,
      get: (ref: { name: string }) => {
        reads.push(ref.name);
        return Promise.resolve(stillThere ? raw : undefined);
      },
    },
    cache: { get: () => raw, observe: () => {} },
    applier: { delete: () => Promise.resolve(false) },
    log: createLogger({ format: "text", level: "error", write: () => {} }),
    runnerImage: "localhost/thv:test",
    now: () => new Date(),
    events: { record: () => Promise.resolve() },
  } as unknown as ReconcileDeps;
  return { deps, reads };
}

Deno.test("reconcile of a server that the API server deleted since the cache saw it ends quietly after one read", async () => {
  const { deps, reads } = staleDeps(404, false);
  const result: ReconcileResult = await reconcileMcpServer(deps, "ns", "osv");
  assert.deepEqual(result, {});
  assert.deepEqual(reads, ["osv"]);
});

Deno.test("reconcile still fails on a 404 while the server exists, and runs again soon after a conflict", async () => {
  await assert.rejects(reconcileMcpServer(staleDeps(404, true).deps, "ns", "osv"), /HTTP 404/);
  const { deps, reads } = staleDeps(409, true);
  const result = await reconcileMcpServer(deps, "ns", "osv");
  assert.ok((result.requeueAfterMs ?? 0) > 0);
  assert.deepEqual(reads, []);
});
