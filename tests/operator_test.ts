/**
 * `thv operator` on a real control plane, running under the chart's RBAC (not cluster-admin), driven with
 * kubectl like a user. Status from pods and StatefulSets: operator_status_test.ts.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type ControlPlane, kubectl, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";
import { parseRunConfig } from "../lib/run_config.ts";
import { createLogger } from "../lib/log.ts";

const EXAMPLES = fileURLToPath(new URL("../docs/examples/", import.meta.url));
const RESYNC_MS = 1500;
/** Examples the operator refuses (decisions 010, 016): they ask for what no NetworkPolicy can express. */
const REFUSED_EXAMPLES = new Set(["mcpserver-permission-profile-configmap"]);

/** Objects read back through kubectl: loosely typed on purpose, the assertions check their shape. */
// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

function k(cp: ControlPlane) {
  return async (args: string[], stdin?: string) => {
    const res = await kubectl(cp.kubeconfigPath, args, stdin);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${res.stderr}`);
    return res.stdout;
  };
}

async function getJson(cp: ControlPlane, kind: string, name: string, ns: string): Promise<Json | undefined> {
  const res = await kubectl(cp.kubeconfigPath, ["get", kind, name, "-n", ns, "-o", "json"]);
  return res.code === 0 ? JSON.parse(res.stdout) : undefined;
}

/** Waits until `kind/name` exists and `check` accepts it; returns it. */
function eventually(
  cp: ControlPlane,
  kind: string,
  name: string,
  ns: string,
  check: (o: Json) => boolean = () => true,
) {
  return poll(async () => {
    const o = await getJson(cp, kind, name, ns);
    return o && check(o) ? o : undefined;
  }, { what: `${kind} ${ns}/${name}`, deadlineMs: 20_000, intervalMs: 150 });
}

function podPatch(deployment: Json): Json {
  const arg = (deployment.spec.template.spec.containers[0].args as string[]).find((a) =>
    a.startsWith("--k8s-pod-patch=")
  );
  return JSON.parse(arg!.slice("--k8s-pod-patch=".length));
}

const CONTRACT = (name: string) =>
  [
    ["deployment", name],
    ["service", `mcp-${name}-proxy`],
    ["configmap", `${name}-runconfig`],
    ["serviceaccount", `${name}-proxy-runner`],
    ["role", `${name}-proxy-runner`],
    ["rolebinding", `${name}-proxy-runner`],
  ] as const;

Deno.test("operator reconciles MCPServers on a real control plane", async (t) => {
  await using cp = await startControlPlane();
  const run = k(cp);
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await using operator = await startTestOperator(cp, { resyncMs: RESYNC_MS });

  await t.step("every example gets its contract objects, owned by the MCPServer", async () => {
    const files = [...Deno.readDirSync(EXAMPLES)].map((e) => e.name).filter((n) => n.endsWith(".yaml")).sort();
    for (const file of files) {
      const ns = file.replace(/\.yaml$/, "");
      await run(["create", "namespace", ns]);
      await run(["apply", "-n", ns, "-f", `${EXAMPLES}${file}`]);
    }
    for (const file of files) {
      const ns = file.replace(/\.yaml$/, "");
      const names = JSON.parse(await run(["get", "mcpservers", "-n", ns, "-o", "json"])).items.map((i: Json) =>
        i.metadata.name
      );
      for (const name of names as string[]) {
        const server = await getJson(cp, "mcpserver", name, ns);
        if (REFUSED_EXAMPLES.has(ns)) {
          // Its profile allows a host name, which no NetworkPolicy can express: refused, no proxy.
          const refused = await eventually(cp, "mcpserver", name, ns, (o) => o.status?.phase === "Failed");
          assert.match(refused.status.message, /^spec\.permissionProfile: .* are host names/);
          assert.equal(await getJson(cp, "deployment", name, ns), undefined);
          continue;
        }
        for (const [kind, child] of CONTRACT(name)) {
          const o = await eventually(cp, kind, child, ns);
          assert.equal(o.metadata.ownerReferences?.[0]?.uid, server!.metadata.uid, `${ns} ${kind}/${child} owner`);
        }
        const deployment = await getJson(cp, "deployment", name, ns);
        assert.equal(deployment!.metadata.labels["app.kubernetes.io/instance"], name);
        assert.equal(deployment!.spec.template.spec.containers[0].name, "toolhive");
        assert.equal(deployment!.spec.template.spec.containers[0].args.at(-1), server!.spec.image);
        const final = await eventually(cp, "mcpserver", name, ns, (o) => o.status?.phase === "Pending");
        assert.ok(final.metadata.finalizers.includes("mcpserver.toolhive.stacklok.dev/finalizer"));
      }
    }
  });

  await t.step("Events tell what the operator created", async () => {
    const events = JSON.parse(await run(["get", "events", "-n", "mcpserver-stdio", "-o", "json"])).items as Json[];
    const messages = events.filter((e) => e.involvedObject.name === "fetch" && e.source?.component === "thv-operator")
      .map((e) => `${e.type} ${e.reason}: ${e.message}`);
    const created = messages.find((m) => m.startsWith("Normal Created: Created "));
    assert.ok(created, `a Created event in ${messages}`);
    const children = [
      "Deployment fetch",
      "Service mcp-fetch-proxy",
      "ConfigMap fetch-runconfig",
      "Role fetch-proxy-runner",
    ];
    for (const child of children) assert.ok(created.includes(child), `${child} in ${created}`);
    assert.equal(messages.filter((m) => m.startsWith("Warning")).length, 0, `no warnings: ${messages}`);
  });

  await t.step("ports, env, secrets, volumes and profiles land where the contract says", async () => {
    const legacy = await getJson(cp, "service", "mcp-legacy-proxy", "mcpserver-v1alpha1-port");
    assert.equal(legacy!.spec.ports[0].port, 9090, "v1alpha1 port is proxyPort");
    const legacyConfig = await getJson(cp, "configmap", "legacy-runconfig", "mcpserver-v1alpha1-port");
    const config = parseRunConfig(legacyConfig!.data["runconfig.json"], "legacy");
    assert.deepEqual([config.port, config.target_port, config.transport], [9090, 8080, "sse"]);

    const sse = parseRunConfig(
      (await getJson(cp, "configmap", "osv-runconfig", "mcpserver-sse"))!.data["runconfig.json"],
      "osv",
    );
    assert.deepEqual(sse.env_vars, { LOG_LEVEL: "info" });
    assert.equal(
      (await getJson(cp, "mcpserver", "osv", "mcpserver-sse"))!.status.url,
      "http://mcp-osv-proxy.mcpserver-sse.svc.cluster.local:8080/sse#osv",
    );

    const github = podPatch((await getJson(cp, "deployment", "github", "mcpserver-secrets"))!);
    assert.deepEqual(github.spec.containers[0].env, [
      { name: "GITHUB_PERSONAL_ACCESS_TOKEN", valueFrom: { secretKeyRef: { name: "github-token", key: "token" } } },
    ]);
    const rc = (await getJson(cp, "configmap", "github-runconfig", "mcpserver-secrets"))!.data["runconfig.json"];
    assert.doesNotMatch(rc, /replace-me/, "secret values never enter the RunConfig");

    const fs = podPatch((await getJson(cp, "deployment", "filesystem", "mcpserver-pod-template-volume"))!);
    assert.deepEqual(fs.spec.volumes, [{ name: "notes", configMap: { name: "notes" } }]);
    assert.equal(fs.spec.containers[0].volumeMounts[0].mountPath, "/data");

    const everything = (await getJson(cp, "deployment", "everything", "mcpserver-streamable-http"))!;
    assert.equal(everything.spec.replicas, 2);
    const fetch = (await getJson(cp, "deployment", "fetch", "mcpserver-stdio"))!;
    assert.deepEqual(fetch.spec.template.spec.containers[0].resources.limits, { cpu: "200m", memory: "128Mi" });
  });

  await t.step("changing the spec changes the RunConfig checksum and the Deployment's pod template", async () => {
    const ns = "mcpserver-sse";
    const before = (await getJson(cp, "deployment", "osv", ns))!.spec.template.metadata.annotations;
    await run([
      "patch",
      "mcpserver",
      "osv",
      "-n",
      ns,
      "--type=merge",
      "-p",
      '{"spec":{"env":[{"name":"LOG_LEVEL","value":"debug"}]}}',
    ]);
    const after = await eventually(
      cp,
      "deployment",
      "osv",
      ns,
      (d) =>
        d.spec.template.metadata.annotations["toolhive.stacklok.dev/runconfig-checksum"] !==
          before["toolhive.stacklok.dev/runconfig-checksum"],
    );
    const cm = (await getJson(cp, "configmap", "osv-runconfig", ns))!;
    assert.equal(
      cm.metadata.annotations["toolhive.stacklok.dev/content-checksum"],
      after.spec.template.metadata.annotations["toolhive.stacklok.dev/runconfig-checksum"],
    );
    assert.deepEqual(parseRunConfig(cm.data["runconfig.json"], "osv").env_vars, { LOG_LEVEL: "debug" });
  });

  await t.step("rotating a referenced Secret rolls the pod template; its value never appears", async () => {
    const ns = "mcpserver-secrets";
    const key = "toolhive.stacklok.dev/referenced-checksum";
    const before = (await getJson(cp, "deployment", "github", ns))!.spec.template.metadata.annotations[key];
    assert.match(before, /^[0-9a-f]{64}$/);
    await run([
      "create",
      "secret",
      "generic",
      "github-token",
      "-n",
      ns,
      "--from-literal=token=rotated-value",
      "--dry-run=client",
      "-o",
      "yaml",
    ])
      .then((yaml) => run(["apply", "-n", ns, "-f", "-"], yaml));
    const after = await eventually(
      cp,
      "deployment",
      "github",
      ns,
      (d) => d.spec.template.metadata.annotations[key] !== before,
    );
    assert.doesNotMatch(JSON.stringify(after), /rotated-value/);
  });

  await t.step(
    "a missing Secret is a condition naming it, and the server recovers by itself when it appears",
    async () => {
      const ns = "missing-secret";
      await run(["create", "namespace", ns]);
      await run(
        ["apply", "-n", ns, "-f", "-"],
        JSON.stringify({
          apiVersion: "toolhive.stacklok.dev/v1beta1",
          kind: "MCPServer",
          metadata: { name: "needs-secret" },
          spec: { image: "example/mcp:1", secrets: [{ name: "later", key: "token" }] },
        }),
      );
      const waiting = await eventually(
        cp,
        "mcpserver",
        "needs-secret",
        ns,
        (o) => o.status?.conditions?.some((c: Json) => c.type === "ReferencesResolved" && c.status === "False"),
      );
      assert.equal(waiting.status.message, 'Waiting for Secret "later" to exist');
      const warnings = JSON.parse(
        await run(["get", "events", "-n", ns, "--field-selector", "type=Warning", "-o", "json"]),
      );
      assert.ok(
        warnings.items.some((e: Json) => e.reason === "ReferenceNotFound" && e.message === 'Not found: Secret "later"'),
      );
      await run(["create", "secret", "generic", "later", "-n", ns, "--from-literal=token=x"]);
      const resolved = await eventually(
        cp,
        "mcpserver",
        "needs-secret",
        ns,
        (o) => o.status?.conditions?.some((c: Json) => c.type === "ReferencesResolved" && c.status === "True"),
      );
      assert.equal(resolved.status.message, "MCP server is being created");
    },
  );

  await t.step("an invalid podTemplateSpec fails the server with PodTemplateValid=False", async () => {
    await run(
      ["apply", "-n", "default", "-f", "-"],
      JSON.stringify({
        apiVersion: "toolhive.stacklok.dev/v1beta1",
        kind: "MCPServer",
        metadata: { name: "bad-template" },
        spec: { image: "example/mcp:1", podTemplateSpec: { spec: { containers: [{ image: "no-name" }] } } },
      }),
    );
    const failed = await eventually(cp, "mcpserver", "bad-template", "default", (o) => o.status?.phase === "Failed");
    const cond = failed.status.conditions.find((c: Json) => c.type === "PodTemplateValid");
    assert.equal(cond.reason, "InvalidPodTemplateSpec");
    assert.match(cond.message, /spec\.podTemplateSpec\.spec\.containers\.0\.name/);
    assert.equal(await getJson(cp, "deployment", "bad-template", "default"), undefined);
  });

  await t.step("an unchanged MCPServer causes no writes over two resync periods", async () => {
    const ns = "mcpserver-streamable-http";
    const versions = async () => {
      const out: Record<string, string> = {
        mcpserver: (await getJson(cp, "mcpserver", "everything", ns))!.metadata.resourceVersion,
      };
      for (const [kind, name] of [...CONTRACT("everything"), ["serviceaccount", "everything-sa"]]) {
        out[`${kind}/${name}`] = (await getJson(cp, kind, name, ns))!.metadata.resourceVersion;
      }
      return out;
    };
    const before = await versions();
    const eventCount = async () => JSON.parse(await run(["get", "events", "-n", ns, "-o", "json"])).items.length;
    const eventsBefore = await eventCount();
    const reconciles = async () =>
      Number(
        (await (await fetch(`${operator.healthUrl}/metrics`)).text()).match(
          /^thv_operator_reconciles_total (\d+)$/m,
        )![1],
      );
    const startCount = await reconciles();
    const writesBefore = await operator.metric('thv_operator_api_requests_total{verb="write"}');
    await new Promise((r) => setTimeout(r, RESYNC_MS * 2.5));
    assert.ok((await reconciles()) > startCount, "resyncs happened");
    assert.equal(
      await operator.metric('thv_operator_api_requests_total{verb="write"}'),
      writesBefore,
      "no write requests",
    );
    assert.deepEqual(await versions(), before);
    assert.equal(await eventCount(), eventsBefore, "and no Events");
  });

  await t.step("a deleted child comes back within seconds, and a hand edit is undone", async () => {
    const ns = "mcpserver-sse";
    await run(["delete", "service", "mcp-osv-proxy", "-n", ns]);
    const restored = await eventually(cp, "service", "mcp-osv-proxy", ns);
    assert.equal(restored.spec.ports[0].port, 8080);
    await run(["delete", "role", "osv-proxy-runner", "-n", ns]);
    await eventually(cp, "role", "osv-proxy-runner", ns);
    await run([
      "patch",
      "deployment",
      "osv",
      "-n",
      ns,
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"evil:1"}]',
    ]);
    await eventually(
      cp,
      "deployment",
      "osv",
      ns,
      (d) => d.spec.template.spec.containers[0].image === "localhost/thv:test",
    );
  });

  await t.step("deleting the MCPServer removes every child and the finalizer", async () => {
    const ns = "mcpserver-sse";
    await run(["delete", "mcpserver", "osv", "-n", ns, "--wait=true", "--timeout=30s"]);
    for (const [kind, name] of [...CONTRACT("osv"), ["serviceaccount", "osv-sa"]]) {
      assert.equal(await getJson(cp, kind, name, ns), undefined, `${kind}/${name} is gone`);
    }
  });

  await t.step("the operator made no failed reconciles under its own RBAC", async () => {
    const metrics = await (await fetch(`${operator.healthUrl}/metrics`)).text();
    assert.match(metrics, /^thv_operator_reconcile_errors_total 0$/m);
  });
});

Deno.test("operator with WATCH_NAMESPACE leaves MCPServers elsewhere alone, with only namespaced RBAC", async () => {
  await using cp = await startControlPlane();
  const run = k(cp);
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  for (const ns of ["watched", "ignored"]) {
    await run(["create", "namespace", ns]);
    await run(["apply", "-n", ns, "-f", `${EXAMPLES}mcpserver-stdio.yaml`]);
  }
  // The operator's log, kept: it shows what the operator did, so that what it did not do can be asserted.
  const logged: Json[] = [];
  const log = createLogger({ format: "json", level: "debug", write: (line) => logged.push(JSON.parse(line)) });
  await using operator = await startTestOperator(cp, { user: "scoped-operator", namespaces: ["watched"], log });
  await eventually(cp, "deployment", "fetch", "watched");
  await eventually(cp, "mcpserver", "fetch", "watched", (o) => o.status?.phase === "Pending");
  // A positive signal instead of a sleep: once the queue is empty, everything the caches saw was reconciled.
  await poll(async () => (await operator.metric("thv_operator_queue_depth")) === 0 || undefined, {
    what: "an empty work queue",
    deadlineMs: 20_000,
  });
  assert.equal(await getJson(cp, "deployment", "fetch", "ignored"), undefined);
  assert.equal((await getJson(cp, "mcpserver", "fetch", "ignored"))!.status, undefined);
  // Namespaced RBAC alone would keep "ignored" untouched even if the operator tried: check it did not try.
  assert.ok(
    logged.some((l) => l.namespace === "watched" && l.name === "fetch" && l.msg === "Created Deployment"),
    "the log shows the watched server's reconcile",
  );
  assert.deepEqual(logged.filter((l) => l.namespace === "ignored"), [], "nothing was done in the ignored namespace");
  assert.deepEqual(
    logged.filter((l) => l.level === "warn" || l.level === "error").map((l) => l.msg),
    [],
    "no refused list, watch or reconcile (as a cluster-wide watch would be)",
  );
  assert.equal(await operator.metric("thv_operator_reconcile_errors_total"), 0);
});
