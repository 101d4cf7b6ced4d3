/**
 * The proxy runner's writes on a real control plane: the StatefulSet and Services it applies, their owners,
 * the rollout wait, and that applying the same desired state again (a restarted proxy pod) changes no
 * resourceVersion. A control plane has no nodes or controllers, so the StatefulSet's status is written
 * through the API as its controller would.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { type ControlPlane, kubectl, poll, startControlPlane } from "./harness/mod.ts";
import { kubeClient, loadKubeConfig } from "../lib/k8s/mod.ts";
import { createLogger } from "../lib/log.ts";
import { RUN_CONFIG_SCHEMA_VERSION, type RunConfig } from "../lib/run_config.ts";
import { deployWorkload, kubernetesStdioAttach, runProxyRunner } from "../roles/proxyrunner/mod.ts";
import { PROXY_RUNNER_RULES } from "../roles/operator/desired/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const log = createLogger({ format: "json", level: "error" });

async function k(cp: ControlPlane, args: string[], stdin?: string): Promise<string> {
  const res = await kubectl(cp.kubeconfigPath, args, stdin);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function getJson(cp: ControlPlane, kind: string, name: string, ns: string): Promise<Json | undefined> {
  const res = await kubectl(cp.kubeconfigPath, ["get", kind, name, "-n", ns, "-o", "json"]);
  return res.code === 0 ? JSON.parse(res.stdout) : undefined;
}

function runConfig(name: string, over: Partial<RunConfig> = {}): RunConfig {
  return {
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name,
    image: "ghcr.io/example/fetch:1",
    transport: "streamable-http",
    cmd_args: [],
    host: "0.0.0.0",
    port: 8080,
    target_port: 8081,
    env_vars: { B: "2", A: "1" },
    secrets: [],
    volumes: [],
    container_labels: {},
    trust_proxy_headers: false,
    mcpserver_generation: 1,
    ...over,
  };
}

/** A proxy Deployment standing in for the operator's (it never runs: there are no nodes). */
async function proxyDeployment(cp: ControlPlane, ns: string, name: string): Promise<Json> {
  await k(
    cp,
    ["apply", "-n", ns, "-f", "-"],
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name },
      spec: {
        selector: { matchLabels: { proxy: name } },
        template: {
          metadata: { labels: { proxy: name } },
          spec: { containers: [{ name: "toolhive", image: "thv:test" }] },
        },
      },
    }),
  );
  return (await getJson(cp, "deployment", name, ns))!;
}

/** Writes the status a StatefulSet controller writes once every pod of generation `generation` is ready. */
async function markRolledOut(cp: ControlPlane, ns: string, name: string): Promise<void> {
  const sts = await poll(() => getJson(cp, "statefulset", name, ns), {
    what: `statefulset ${ns}/${name}`,
    deadlineMs: 20_000,
    intervalMs: 100,
  });
  const status = {
    observedGeneration: sts.metadata.generation,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    currentReplicas: 1,
  };
  await k(cp, [
    "patch",
    "statefulset",
    name,
    "-n",
    ns,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);
}

Deno.test("proxy runner applies its workload on a real control plane and rolls nothing when nothing changed", async (t) => {
  await using cp = await startControlPlane();
  const ns = "runner";
  await k(cp, ["create", "namespace", ns]);
  const cluster = { ...loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath, inCluster: false }), namespace: ns };
  const client = kubeClient(cluster);
  const signal = new AbortController().signal;
  const deploy = (config: RunConfig, podPatch = {}) =>
    deployWorkload(config, { cluster, client, namespace: ns, podPatch, log, signal, rolloutTimeoutMs: 30_000 });

  const owner = await proxyDeployment(cp, ns, "fetch");
  const patch = {
    spec: {
      serviceAccountName: "fetch-sa",
      containers: [{ name: "mcp", env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "t" } } }] }],
    },
  };

  await t.step("the StatefulSet and both Services are created, owned, and waited for", async () => {
    const [deployed] = await Promise.all([deploy(runConfig("fetch"), patch), markRolledOut(cp, ns, "fetch")]);
    assert.deepEqual(deployed.outcomes, {
      "StatefulSet/fetch": "created",
      "Service/mcp-fetch-headless": "created",
      "Service/mcp-fetch": "created",
    });
    const sts = (await getJson(cp, "statefulset", "fetch", ns))!;
    assert.deepEqual(sts.metadata.ownerReferences.map((o: Json) => [o.kind, o.name, o.uid]), [
      ["Deployment", "fetch", owner.metadata.uid],
    ]);
    const managed = JSON.parse(
      await k(cp, ["get", "statefulset", "fetch", "-n", ns, "-o", "json", "--show-managed-fields"]),
    ).metadata.managedFields as Json[];
    assert.ok(managed.some((f) => f.manager === "thv-proxyrunner" && f.operation === "Apply"));
    const pod = sts.spec.template.spec;
    assert.equal(pod.serviceAccountName, "fetch-sa");
    const mcp = pod.containers[0];
    assert.equal(mcp.name, "mcp");
    assert.deepEqual(mcp.env.map((e: Json) => e.name), [
      "A",
      "B",
      "FASTMCP_PORT",
      "MCP_HOST",
      "MCP_PORT",
      "MCP_TRANSPORT",
      "TOKEN",
    ]);
    assert.deepEqual(mcp.env.find((e: Json) => e.name === "TOKEN").valueFrom, {
      secretKeyRef: { name: "s", key: "t" },
    });
    for (const name of ["mcp-fetch-headless", "mcp-fetch"]) {
      const svc = (await getJson(cp, "service", name, ns))!;
      assert.deepEqual(svc.metadata.ownerReferences.map((o: Json) => [o.kind, o.uid]), [[
        "StatefulSet",
        sts.metadata.uid,
      ]]);
      assert.deepEqual(svc.spec.selector, { app: "fetch" });
    }
    assert.equal((await getJson(cp, "service", "mcp-fetch-headless", ns))!.spec.clusterIP, "None");
    assert.equal((await getJson(cp, "service", "mcp-fetch", ns))!.spec.sessionAffinity, "ClientIP");
  });

  await t.step("a restarted runner (a fresh applier) applying the same state changes no resourceVersion", async () => {
    const versions = () =>
      Promise.all([
        getJson(cp, "statefulset", "fetch", ns),
        getJson(cp, "service", "mcp-fetch-headless", ns),
        getJson(cp, "service", "mcp-fetch", ns),
      ]).then((objects) => objects.map((o) => [o!.metadata.resourceVersion, o!.metadata.generation]));
    const before = await versions();
    const again = await deploy(runConfig("fetch", { env_vars: { A: "1", B: "2" } }), patch);
    assert.deepEqual(Object.values(again.outcomes), ["unchanged", "unchanged", "unchanged"]);
    assert.deepEqual(await versions(), before);
  });

  await t.step("a new image rolls the StatefulSet once, and the wait needs the new generation observed", async () => {
    const next = deploy(runConfig("fetch", { image: "ghcr.io/example/fetch:2", mcpserver_generation: 2 }), patch);
    const sts = await poll(async () => {
      const o = await getJson(cp, "statefulset", "fetch", ns);
      return o?.spec.template.spec.containers[0].image === "ghcr.io/example/fetch:2" ? o : undefined;
    }, { what: "the new image", deadlineMs: 20_000, intervalMs: 100 });
    assert.equal(sts.metadata.generation, 2);
    await markRolledOut(cp, ns, "fetch");
    const deployed = await next;
    assert.equal(deployed.outcomes["StatefulSet/fetch"], "updated");
    assert.equal(deployed.statefulSet.status?.observedGeneration, 2);
  });

  await t.step("an older generation's runner leaves the StatefulSet alone", async () => {
    const before = (await getJson(cp, "statefulset", "fetch", ns))!.metadata.resourceVersion;
    const old = await deploy(runConfig("fetch", { image: "ghcr.io/example/fetch:0", mcpserver_generation: 1 }), patch);
    assert.equal(old.outcomes["StatefulSet/fetch"], "skipped");
    const after = (await getJson(cp, "statefulset", "fetch", ns))!;
    assert.equal(after.metadata.resourceVersion, before);
    assert.equal(after.spec.template.spec.containers[0].image, "ghcr.io/example/fetch:2");
  });

  await t.step(
    "the runner serves the proxy on all interfaces; /health is 503 while the backend cannot answer",
    async () => {
      await proxyDeployment(cp, ns, "served");
      const stop = new AbortController();
      const listening = Promise.withResolvers<Deno.NetAddr>();
      const running = runProxyRunner({ config: runConfig("served"), podPatch: {} }, {
        cluster,
        client,
        log,
        signal: stop.signal,
        listenPort: 0,
        podAddresses: ["10.1.2.3"],
        onListen: (addr) => listening.resolve(addr),
      });
      running.catch((e) => listening.reject(e));
      await markRolledOut(cp, ns, "served");
      const addr = await listening.promise;
      assert.equal(addr.hostname, "0.0.0.0");
      // fetch sends the URL's authority as Host whatever the headers say: speak HTTP/1.1 on a socket instead.
      const statusFor = async (method: string, path: string, host: string, body = "") => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: addr.port });
        const head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
          `accept: application/json, text/event-stream\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
        await conn.write(new TextEncoder().encode(head + body));
        const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
        return Number(text.split(" ")[1]);
      };
      const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
      // No node runs mcp-served, and its Service name does not resolve here: the backend cannot answer.
      assert.equal(await statusFor("GET", "/health", `mcp-served-proxy.${ns}.svc.cluster.local:${addr.port}`), 503);
      assert.equal(await statusFor("GET", "/health", `10.1.2.3:${addr.port}`), 503, "the kubelet probes the pod IP");
      assert.equal(
        await statusFor("POST", "/mcp", `evil.example:${addr.port}`, ping),
        403,
        "a foreign Host is refused",
      );
      const status = await statusFor("POST", "/mcp", `mcp-served-proxy.${ns}.svc:${addr.port}`, ping);
      assert.ok(status >= 500, `an allowed Host reaches the (unreachable) backend: ${status}`);
      stop.abort();
      await running;
    },
  );

  await t.step(
    "under the operator's proxy-runner Role the runner applies; without get on deployments it says to grant it",
    async () => {
      const role = (rules: readonly unknown[]) =>
        k(
          cp,
          ["apply", "-n", ns, "-f", "-"],
          JSON.stringify({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "runner-under-test" },
            rules,
          }),
        );
      const withoutDeployments = PROXY_RUNNER_RULES.filter((r) => !r.resources?.includes("deployments"));
      assert.equal(withoutDeployments.length, PROXY_RUNNER_RULES.length - 1);
      await role(withoutDeployments);
      await k(cp, [
        "create",
        "rolebinding",
        "runner-under-test",
        "-n",
        ns,
        "--role=runner-under-test",
        "--user=runner",
      ]);
      const user = await cp.userKubeconfig("runner");
      const limited = { ...loadKubeConfig({ kubeconfigPath: user.path, inCluster: false }), namespace: ns };
      const asRunner = (name: string) =>
        deployWorkload(runConfig(name), {
          cluster: limited,
          client: kubeClient(limited),
          namespace: ns,
          podPatch: {},
          log,
          signal,
          rolloutTimeoutMs: 30_000,
        });
      await proxyDeployment(cp, ns, "limited");
      await assert.rejects(asRunner("limited"), /grant the proxy runner get on apps\/deployments/);
      assert.equal(await getJson(cp, "statefulset", "limited", ns), undefined);
      await role(PROXY_RUNNER_RULES);
      const deployed = await poll(
        () => Promise.all([asRunner("limited"), markRolledOut(cp, ns, "limited")]).then(([d]) => d, () => undefined),
        { what: "the runner to apply under its Role", deadlineMs: 20_000, intervalMs: 200 },
      );
      assert.equal(deployed.outcomes["StatefulSet/limited"], "created");
    },
  );

  await t.step(
    "stdio: the runner applies a StatefulSet with stdin, serves /health 503 without a pod, and fails once it gives up",
    async () => {
      await proxyDeployment(cp, ns, "stdio-server");
      const listening = Promise.withResolvers<Deno.NetAddr>();
      const running = runProxyRunner({
        config: runConfig("stdio-server", { transport: "stdio", target_port: undefined }),
        podPatch: {},
      }, {
        cluster,
        client,
        log,
        signal,
        listenPort: 0,
        // No node runs pods here: pod stdio-server-0 never exists, so the connector gives up.
        stdio: kubernetesStdioAttach(cluster, { noPodTimeoutMs: 3000 }),
        onListen: (addr) => listening.resolve(addr),
      });
      running.catch((e) => listening.reject(e));
      await markRolledOut(cp, ns, "stdio-server");
      const addr = await listening.promise;
      const health = await fetch(`http://127.0.0.1:${addr.port}/health`);
      await health.body?.cancel();
      assert.equal(health.status, 503);
      await assert.rejects(running, /No Ready pod .*stdio-server-0 of StatefulSet stdio-server .*restarts the proxy/);
      const sts = await getJson(cp, "statefulset", "stdio-server", ns);
      const container = sts?.spec?.template?.spec?.containers?.[0];
      assert.equal(container?.stdin, true);
      assert.equal(await getJson(cp, "service", "mcp-stdio-server", ns), undefined, "a stdio server has no Service");
    },
  );

  await t.step("a runner without its proxy Deployment says so and writes nothing", async () => {
    await assert.rejects(deploy(runConfig("orphan")), /Deployment runner\/orphan of this proxy does not exist/);
    assert.equal(await getJson(cp, "statefulset", "orphan", ns), undefined);
  });

  await t.step("a rollout that never completes ends at the deadline naming the StatefulSet", async () => {
    await proxyDeployment(cp, ns, "stuck");
    await assert.rejects(
      deployWorkload(runConfig("stuck"), {
        cluster,
        client,
        namespace: ns,
        podPatch: {},
        log,
        signal,
        rolloutTimeoutMs: 1_000,
      }),
      /waiting for StatefulSet runner\/stuck to roll out/,
    );
  });
});
