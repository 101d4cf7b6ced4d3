/**
 * Restarts and rollouts of the proxy Deployment on a real control plane (decision 017), the operator under
 * the chart's RBAC: `kubectl rollout restart` survives the operator's server-side applies and resyncs, a spec
 * change changes the pod template exactly once, and ToolHive's restart annotations restart once per value
 * (rolling: on the pod template; immediate: deleting the proxy pods), a bad value only reported.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { namespaceObjects, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "restarts";
const RESYNC_MS = 1000;
const RESTARTED_AT = "mcpserver.toolhive.stacklok.dev/restarted-at";
const STRATEGY = "mcpserver.toolhive.stacklok.dev/restart-strategy";
const LAST_PROCESSED = "mcpserver.toolhive.stacklok.dev/last-processed-restart";
const KUBECTL_RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

Deno.test("proxy restarts and rollouts: kubectl rollout restart, spec changes, restart annotations", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await o.run(["create", "namespace", NS]);
  await using operator = await startTestOperator(cp, { resyncMs: RESYNC_MS });
  await o.run(
    ["apply", "-n", NS, "-f", "-"],
    JSON.stringify({
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPServer",
      metadata: { name: "web" },
      spec: { image: "localhost/web:1", transport: "streamable-http", mcpPort: 3000 },
    }),
  );
  const deployment = () => o.get("deployment", "web") as Promise<Json>;
  const template = async () => (await deployment()).spec.template.metadata.annotations as Record<string, string>;
  const annotate = (...pairs: string[]) => o.run(["annotate", "--overwrite", "mcpserver", "web", "-n", NS, ...pairs]);
  const reconciles = () => operator.metric("thv_operator_reconciles_total");
  /** Waits for `n` more reconciles (resyncs at least), then returns the Deployment. */
  const afterReconciles = async (n: number) => {
    const start = await reconciles();
    await poll(async () => (await reconciles()) >= start + n || undefined, {
      what: `${n} reconciles`,
      deadlineMs: 20_000,
      intervalMs: 100,
    });
    return await deployment();
  };
  /** The MCPServer's generation, once the operator has observed it. */
  const generationOf = async () =>
    (await o.eventually("mcpserver", "web", (s) => s.status?.observedGeneration === s.metadata.generation))
      .metadata.generation as number;
  /** Waits until the proxy pod template is the one built from MCPServer generation `generation`. */
  const rolledTo = (generation: number) =>
    o.eventually(
      "deployment",
      "web",
      (d) => d.spec.template.metadata.annotations["toolhive.stacklok.dev/mcpserver-generation"] === String(generation),
    );
  await o.eventually("deployment", "web");
  await generationOf();

  await t.step("kubectl rollout restart survives the operator's applies, a spec change and resyncs", async () => {
    await o.run(["rollout", "restart", "deployment/web", "-n", NS]);
    const stamped = (await template())[KUBECTL_RESTARTED_AT];
    assert.ok(stamped, "kubectl stamped the pod template");
    // The operator sees a changed Deployment and applies again (its field manager owns no such annotation).
    const generation = (await deployment()).metadata.generation;
    await o.run(["patch", "mcpserver", "web", "-n", NS, "--type=merge", "-p", '{"spec":{"args":["--verbose"]}}']);
    const changed = await rolledTo(await generationOf());
    assert.equal(changed.spec.template.metadata.annotations[KUBECTL_RESTARTED_AT], stamped);
    assert.equal(changed.metadata.generation, generation + 1);
    const later = await afterReconciles(3);
    assert.equal(later.spec.template.metadata.annotations[KUBECTL_RESTARTED_AT], stamped);
  });

  await t.step("a spec change changes the pod template exactly once; reconciles after it change nothing", async () => {
    const before = await deployment();
    await o.run([
      "patch",
      "mcpserver",
      "web",
      "-n",
      NS,
      "--type=merge",
      "-p",
      '{"spec":{"env":[{"name":"LOG_LEVEL","value":"debug"}]}}',
    ]);
    const after = await rolledTo(await generationOf());
    assert.equal(after.metadata.generation, before.metadata.generation + 1, "one template change");
    // Status writes, an unrelated annotation and resyncs each reconcile the server again.
    await annotate("example.com/note=unrelated");
    const settled = await afterReconciles(4);
    assert.equal(settled.metadata.resourceVersion, after.metadata.resourceVersion, "no write to the Deployment");
  });

  await t.step("restarted-at (rolling) rolls the proxy once and is recorded as handled", async () => {
    const before = await deployment();
    const at = "2026-12-02T07:00:00Z";
    await annotate(`${RESTARTED_AT}=${at}`);
    const rolled = await o.eventually(
      "deployment",
      "web",
      (d) => d.spec.template.metadata.annotations[RESTARTED_AT] === at,
    );
    assert.equal(rolled.metadata.generation, before.metadata.generation + 1);
    assert.equal(
      rolled.spec.template.metadata.annotations[KUBECTL_RESTARTED_AT],
      before.spec.template.metadata.annotations[KUBECTL_RESTARTED_AT],
    );
    await o.eventually("mcpserver", "web", (s) => s.metadata.annotations?.[LAST_PROCESSED] === at);
    const settled = await afterReconciles(3);
    assert.equal(settled.metadata.resourceVersion, rolled.metadata.resourceVersion, "once, not at every resync");
    const events = JSON.parse(await o.run(["get", "events", "-n", NS, "-o", "json"])).items as Json[];
    assert.ok(
      events.some((e) =>
        e.reason === "Restarted" && e.message === `Rolling restart of Deployment web for ${RESTARTED_AT}=${at}`
      ),
      "a Restarted Event",
    );
  });

  await t.step("restarted-at with strategy immediate deletes the proxy pods and leaves the template", async () => {
    const before = await deployment();
    const labels = before.spec.selector.matchLabels;
    for (const pod of ["web-a", "web-b"]) {
      await o.run(
        ["apply", "-n", NS, "-f", "-"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: pod, labels },
          spec: { containers: [{ name: "toolhive", image: "localhost/thv:test" }] },
        }),
      );
    }
    await afterReconciles(1); // the pods are in the operator's cache
    const at = "2026-12-02T07:05:00Z";
    await annotate(`${RESTARTED_AT}=${at}`, `${STRATEGY}=immediate`);
    await o.gone("pod", "web-a");
    await o.gone("pod", "web-b");
    await o.eventually("mcpserver", "web", (s) => s.metadata.annotations?.[LAST_PROCESSED] === at);
    const after = await afterReconciles(2);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, "the template is left alone");
    assert.equal(after.spec.template.metadata.annotations[RESTARTED_AT], "2026-12-02T07:00:00Z");
  });

  await t.step("a bad restart annotation is a Warning and a condition naming it; nothing restarts", async () => {
    const before = await deployment();
    await annotate(`${RESTARTED_AT}=yesterday`, `${STRATEGY}-`);
    const bad = await o.eventually(
      "mcpserver",
      "web",
      (s) => s.status?.conditions?.some((c: Json) => c.type === "RestartAnnotationValid") ?? false,
    );
    const condition = bad.status.conditions.find((c: Json) => c.type === "RestartAnnotationValid");
    assert.equal(condition.status, "False");
    assert.equal(condition.reason, "InvalidRestartAnnotation");
    assert.match(
      condition.message,
      /^Annotation mcpserver\.toolhive\.stacklok\.dev\/restarted-at is "yesterday", not an RFC 3339 time/,
    );
    const warnings = JSON.parse(
      await o.run(["get", "events", "-n", NS, "--field-selector", "type=Warning", "-o", "json"]),
    ).items as Json[];
    assert.equal(warnings.filter((e) => e.reason === "InvalidRestartAnnotation").length, 1);
    await annotate(`${RESTARTED_AT}=2026-12-02T07:10:00Z`, `${STRATEGY}=recreate`);
    await o.eventually(
      "mcpserver",
      "web",
      (s) => s.status?.conditions?.some((c: Json) => /restart-strategy is "recreate"/.test(c.message)) ?? false,
    );
    const after = await afterReconciles(2);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, "nothing restarted");
    assert.equal((await o.get("mcpserver", "web"))!.metadata.annotations[LAST_PROCESSED], "2026-12-02T07:05:00Z");
    await annotate(`${STRATEGY}=rolling`);
    const fixed = await o.eventually(
      "mcpserver",
      "web",
      (s) => !s.status?.conditions?.some((c: Json) => c.type === "RestartAnnotationValid"),
    );
    assert.equal(fixed.metadata.annotations[LAST_PROCESSED], "2026-12-02T07:10:00Z");
    await o.eventually(
      "deployment",
      "web",
      (d) => d.spec.template.metadata.annotations[RESTARTED_AT] === "2026-12-02T07:10:00Z",
    );
  });
});
