/**
 * Two operators with leader election on a real control plane: only the Lease holder writes; stopping it
 * hands over to the standby within the lease duration.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { kubectl, poll, REPO_ROOT, startControlPlane, startTestOperator, type TestOperator } from "./harness/mod.ts";

const LEASE = {
  namespace: "default",
  name: "thv-operator-leader",
  leaseDurationMs: 3000,
  renewDeadlineMs: 2000,
  retryPeriodMs: 250,
};

Deno.test("leader election: only the leader writes, and stopping it hands over within the lease time", async () => {
  await using cp = await startControlPlane();
  const run = async (args: string[], stdin?: string) => {
    const res = await kubectl(cp.kubeconfigPath, args, stdin);
    if (res.code !== 0) throw new Error(res.stderr);
    return res.stdout;
  };
  const server = (name: string) =>
    JSON.stringify({
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPServer",
      metadata: { name },
      spec: { image: "example/mcp:1" },
    });
  const holder = async () =>
    JSON.parse(await run(["get", "lease", LEASE.name, "-n", LEASE.namespace, "-o", "json"])).spec.holderIdentity;
  const exists = (kind: string, name: string) =>
    poll(async () => (await kubectl(cp.kubeconfigPath, ["get", kind, name]).then((r) => r.code === 0)) || undefined, {
      what: `${kind}/${name}`,
      deadlineMs: 20_000,
    });

  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);

  const operators: Record<string, TestOperator> = {};
  for (const identity of ["op-a", "op-b"]) {
    operators[identity] = await startTestOperator(cp, { user: identity, leaderElection: { ...LEASE, identity } });
  }
  try {
    const leader = await poll(async () => {
      const h = await holder().catch(() => "");
      return h === "op-a" || h === "op-b" ? h : undefined;
    }, { what: "a lease holder" });
    const standby = leader === "op-a" ? "op-b" : "op-a";
    assert.equal(await operators[leader]!.metric("thv_operator_leader"), 1);

    await run(["apply", "-f", "-"], server("first"));
    await exists("deployment", "first");
    assert.equal(await operators[standby]!.metric("thv_operator_leader"), 0);
    assert.equal(
      await operators[standby]!.metric('thv_operator_api_requests_total{verb="write"}'),
      0,
      "the standby wrote nothing",
    );
    assert.ok(await operators[leader]!.metric('thv_operator_api_requests_total{verb="write"}') > 0);

    const stoppedAt = Date.now();
    await operators[leader]!.stop();
    await poll(async () => (await holder()) === standby || undefined, {
      what: `${standby} to hold the lease`,
      intervalMs: 50,
    });
    const handover = Date.now() - stoppedAt;
    assert.ok(
      handover < LEASE.leaseDurationMs,
      `handed over in ${handover} ms, within the ${LEASE.leaseDurationMs} ms lease`,
    );

    await run(["apply", "-f", "-"], server("second"));
    await exists("deployment", "second");
    assert.equal(await operators[standby]!.metric("thv_operator_leader"), 1);
  } finally {
    for (const op of Object.values(operators)) await op.stop();
  }
});

Deno.test("leader election: when the leader dies without releasing, a standby takes over once the lease expires", async () => {
  await using cp = await startControlPlane();
  const run = async (args: string[]) => {
    const res = await kubectl(cp.kubeconfigPath, args);
    if (res.code !== 0) throw new Error(res.stderr);
    return res.stdout;
  };
  const lease = async () =>
    JSON.parse(await run(["get", "lease", LEASE.name, "-n", LEASE.namespace, "-o", "json"])).spec;
  const holder = async () => (await lease()).holderIdentity;
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  // releaseOnStop: false makes stopping the leader look like a crash: the Lease is left held.
  const first = await startTestOperator(cp, {
    user: "op-a",
    leaderElection: { ...LEASE, identity: "op-a", releaseOnStop: false },
  });
  await poll(async () => (await holder().catch(() => "")) === "op-a" || undefined, { what: "op-a to lead" });
  const second = await startTestOperator(cp, { user: "op-b", leaderElection: { ...LEASE, identity: "op-b" } });
  try {
    await first.stop();
    const dead = await lease();
    assert.equal(dead.holderIdentity, "op-a", "the dead leader still holds the lease");
    await poll(async () => (await holder()) === "op-b" || undefined, { what: "op-b to take over", intervalMs: 50 });
    // Timed by the Lease itself, not by how soon this test's kubectl polls see it (slow on a busy machine):
    // from the dead leader's last renewal to the standby's acquisition, both stamped by the candidates.
    const handover = Date.parse((await lease()).acquireTime) - Date.parse(dead.renewTime);
    const bound = LEASE.leaseDurationMs + 2 * LEASE.retryPeriodMs;
    assert.ok(
      handover < bound,
      `took over in ${handover} ms, within the lease (${LEASE.leaseDurationMs} ms) and two retries`,
    );
    // A standby takes over only once renewTime + leaseDuration has passed, on the same clock: exact, not timed.
    const earliest = dead.leaseDurationSeconds * 1000;
    assert.ok(handover >= earliest, `not before the lease expired: ${handover} ms, at least ${earliest} ms expected`);
  } finally {
    await second.stop();
  }
});
