/**
 * The e2e steps of an MCPServer losing a pod: killing the MCP pod fails the call in flight, `/health` goes 503
 * and the MCPServer leaves Ready, then it recovers by itself (stdio re-attaches, HTTP reaches the new pod
 * through its Service) and the next call works; killing the proxy pod does the same through the Deployment.
 * @module
 */
import assert from "node:assert/strict";
import { EVERYTHING_IMAGE, EVERYTHING_IN_IMAGE, type NodeCluster, poll, within } from "../harness/mod.ts";
import { namespace } from "./_kube.ts";
import {
  echoes,
  ensureOperator,
  healthBecomes,
  healthStatus,
  isReady,
  proxyClient,
  readyServer,
  recordStatus,
} from "./_mcp_kit.ts";

const LONG_CALL = "trigger-long-running-operation";

/** e2e: killing the MCP pod of a stdio server fails the call in flight, then the proxy re-attaches by itself. */
export async function stdioMcpPodKilled(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  const ns = await namespace(c, "e2e-kill-stdio");
  await readyServer(c, ns, "everything", `  image: "${EVERYTHING_IMAGE}"\n  transport: stdio\n`);
  const left = await mcpPodKilled(c, ns, "everything", { sameSession: true });
  await proxyPodKilled(c, ns, "everything");
  assert.ok(left, "the MCPServer stayed Ready while its MCP pod was replaced");
}

/** e2e: killing the MCP pod of a streamable-http server fails the call in flight, then its new pod serves. */
export async function httpMcpPodKilled(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  const ns = await namespace(c, "e2e-kill-http");
  const args = JSON.stringify([...EVERYTHING_IN_IMAGE, "streamableHttp"]);
  await readyServer(
    c,
    ns,
    "everything",
    `  image: "${EVERYTHING_IMAGE}"\n  transport: streamable-http\n  mcpPort: 3001\n  args: ${args}\n`,
  );
  // A streamable-http server keeps its sessions in memory: its new pod knows none, so the client starts anew.
  const left = await mcpPodKilled(c, ns, "everything", { sameSession: false });
  await proxyPodKilled(c, ns, "everything");
  assert.ok(left, "the MCPServer stayed Ready while its MCP pod was replaced");
}

const since = (t0: number, t: number) => `${((t - t0) / 1000).toFixed(1)} s`;

async function mcpPodKilled(
  c: NodeCluster,
  ns: string,
  name: string,
  options: { readonly sameSession: boolean },
): Promise<boolean> {
  const { forward, client } = await proxyClient(c, ns, name);
  await using _ = forward;
  using status = await recordStatus(c, ns, name);
  try {
    await echoes(client, "before the kill");
    assert.equal(await healthStatus(forward), 200);
    const progressed = Promise.withResolvers<void>();
    const inFlight: Promise<{ at: number; message: string }> = client.callTool(
      { name: LONG_CALL, arguments: { duration: 600, steps: 600 } },
      undefined,
      { timeout: 900_000, onprogress: () => progressed.resolve() },
    ).then(
      (r: unknown) => assert.fail(`the call in flight succeeded: ${JSON.stringify(r)}`),
      (e: Error) => ({ at: Date.now(), message: e.message }),
    );
    await within(progressed.promise, 30_000, "the long-running call to report progress");
    const oldUid = await podUid(c, ns, `${name}-0`);
    const killed = Date.now();
    const del = await c.kubectl(["-n", ns, "delete", "pod", `${name}-0`, "--wait=false"]);
    assert.equal(del.code, 0, del.stderr);

    // Side by side: the outage may be shorter than one of them takes.
    const [failed, unhealthy] = await Promise.all([
      within(inFlight, 120_000, "the call in flight to fail"),
      healthBecomes(forward, 503, 120_000),
    ]);
    const healthy = await healthBecomes(forward, 200, 120_000);
    assert.notEqual(await podUid(c, ns, `${name}-0`), oldUid, "the MCP pod was not replaced");
    // The MCPServer is Ready at the end; it must have left Ready in between (every status write was watched).
    const back = await poll(() => Promise.resolve(isReady(status.seen.at(-1)!) ? status.seen.at(-1)! : undefined), {
      what: `MCPServer ${ns}/${name} to be Ready after the outage`,
      deadlineMs: 120_000,
    });
    const left = status.seen.find((s) => s.at >= killed && !isReady(s));
    const workload = status.seen.find((s) => s.at >= killed && s.workload === "False");
    console.log(
      `[mcp pod killed: ${ns}/${name}] call failed after ${since(killed, failed.at)} (${failed.message}); ` +
        `/health 503 after ${since(killed, unhealthy)}, 200 again after ${since(killed, healthy)}; ` +
        (left
          ? `left Ready after ${since(killed, left.at)} (${left.phase}), Ready again after ${since(killed, back.at)}`
          : `never left Ready (statuses seen: ${JSON.stringify(status.seen.map((s) => s.phase))})`) +
        (workload ? `; WorkloadReady=False after ${since(killed, workload.at)}` : "; WorkloadReady stayed True"),
    );
    assert.match(failed.message, /MCP server (unavailable|connection lost before it answered)/);
    if (options.sameSession) {
      await echoes(client, "after the kill, same session");
    } else {
      const fresh = await proxyClient(c, ns, name);
      await using __ = fresh.forward;
      try {
        await echoes(fresh.client, "after the kill, new session");
      } finally {
        await fresh.client.close();
      }
    }
    return left !== undefined;
  } finally {
    await client.close();
  }
}

async function proxyPodKilled(c: NodeCluster, ns: string, name: string): Promise<void> {
  using status = await recordStatus(c, ns, name);
  const selector = `app=mcpserver,app.kubernetes.io/instance=${name}`;
  const pods = await c.kubectl(["-n", ns, "get", "pod", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"]);
  const old = pods.stdout.trim();
  assert.match(old, /^\S+$/, `one proxy pod, got "${old}"`);
  const mcpUid = await podUid(c, ns, `${name}-0`);
  const killed = Date.now();
  const del = await c.kubectl(["-n", ns, "delete", "pod", old, "--wait=false"]);
  assert.equal(del.code, 0, del.stderr);
  const left = await status.until((s) => !isReady(s), killed, 120_000, "to leave Ready");
  const back = await status.until(isReady, left.at, 240_000, "to be Ready again");
  console.log(
    `[proxy pod killed: ${ns}/${name}] left Ready after ${since(killed, left.at)} (${left.phase}); ` +
      `Ready again after ${since(killed, back.at)}`,
  );
  // The Service may still list the old pod while it terminates: forward to the ready one.
  await poll(async () => {
    const now = await c.kubectl(["-n", ns, "get", "pod", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"]);
    return now.stdout.trim().split(/\s+/).every((p) => p !== old) || undefined;
  }, { what: `proxy pod ${old} to be gone`, deadlineMs: 120_000 });
  const { forward, client } = await proxyClient(c, ns, name);
  await using _ = forward;
  try {
    await echoes(client, "after the proxy pod was replaced");
  } finally {
    await client.close();
  }
  assert.equal(await podUid(c, ns, `${name}-0`), mcpUid, "a new proxy pod restarted the MCP pod");
}

async function podUid(c: NodeCluster, ns: string, pod: string): Promise<string> {
  const r = await c.kubectl(["-n", ns, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
