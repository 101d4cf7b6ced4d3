/**
 * Workloads on real Podman through the runtime adapter: a stdio server attached before start, an HTTP
 * server published on 127.0.0.1, the thv labels and isolation on the real containers, and the lifecycle.
 */
import assert from "node:assert/strict";
import { DockerWorkloads, WorkloadExistsError } from "../lib/runtime/docker/mod.ts";
import { RunConfig } from "../lib/run_config.ts";
import { buildTestImage, freePort, LineReader, poll, startPodman } from "./harness/mod.ts";

const config = (over: Record<string, unknown>) =>
  RunConfig.parse({ schema_version: "v0.1.0", transport: "stdio", port: 8080, ...over });

Deno.test("podman workloads: deploy, attach, inspect, list, logs, stop and remove", async (t) => {
  await using podman = await startPodman();
  const workloads = new DockerWorkloads(podman.docker);
  const suffix = crypto.randomUUID().slice(0, 6);
  const catImage = await buildTestImage(podman.docker, {
    tag: "localhost/thv-test-cat:1",
    cmd: ["/bin/cat"],
    applets: ["cat"],
  });
  const httpImage = await buildTestImage(podman.docker, {
    tag: "localhost/thv-test-httpd:1",
    cmd: ["/bin/httpd", "-f", "-p", "8000", "-h", "/www"],
    applets: ["httpd"],
    files: { "www/index.html": "hello from a container\n" },
  });
  const stdioName = `stdio-${suffix}`;
  const httpName = `http-${suffix}`;
  try {
    await t.step("a stdio workload is attached before it starts and echoes a JSON-RPC line", async () => {
      const deployed = await workloads.deploy(config({ name: stdioName, image: catImage, env_vars: { A: "1" } }));
      const lines = new LineReader(deployed.stdio!.stdout);
      const line = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
      deployed.stdio!.stdin.write(`${line}\n`);
      assert.equal(await lines.next(), line);
      deployed.stdio!.close();
    });

    await t.step(
      "its container carries the thv labels, no capabilities, no privilege escalation and no network",
      async () => {
        const info = (await workloads.inspect(stdioName))!;
        assert.equal(info.Config.Labels["toolhive"], "true");
        assert.equal(info.Config.Labels["toolhive-name"], stdioName);
        assert.equal(info.Config.Labels["toolhive-transport"], "stdio");
        assert.equal(info.HostConfig.NetworkMode, "none");
        assert.ok(
          (info.HostConfig.SecurityOpt ?? []).some((o: string) => o.startsWith("no-new-privileges")),
          `${info.HostConfig.SecurityOpt}`,
        );
        assert.ok(info.Config.Env.includes("MCP_TRANSPORT=stdio") && info.Config.Env.includes("A=1"));
        const caps = (info.HostConfig.CapDrop ?? []).map((c: string) => c.replace(/^CAP_/, ""));
        assert.ok(caps.includes("ALL") || caps.length > 10, `capabilities dropped: ${caps}`);
      },
    );

    await t.step("a second workload with the same name is refused, and leaves nothing behind", async () => {
      await assert.rejects(workloads.deploy(config({ name: stdioName, image: catImage })), WorkloadExistsError);
      assert.equal((await workloads.list()).filter((w) => w.name === stdioName).length, 1);
    });

    await t.step("an HTTP workload is published on 127.0.0.1 and answers there", async () => {
      const hostPort = freePort();
      await workloads.deploy(
        config({
          name: httpName,
          image: httpImage,
          transport: "streamable-http",
          target_port: 8000,
          permission_profile_name_or_path: "network",
        }),
        { hostPort },
      );
      const body = await poll(
        () => fetch(`http://127.0.0.1:${hostPort}/`).then((r) => (r.ok ? r.text() : undefined), () => undefined),
        { what: "the container's web server" },
      );
      assert.equal(body, "hello from a container\n");
      const info = (await workloads.inspect(httpName))!;
      assert.deepEqual(info.HostConfig.PortBindings["8000/tcp"]?.map((b: { HostIp: string }) => b.HostIp), [
        "127.0.0.1",
      ]);
    });

    await t.step("list shows both; logs, stop and remove do what they say", async () => {
      const names = (await workloads.list()).map((w) => w.name);
      assert.ok(names.includes(stdioName) && names.includes(httpName), `${names}`);
      // cat echoed a ping to stdout, which is MCP traffic for a stdio server: not part of its logs.
      assert.doesNotMatch(await workloads.logs(stdioName), /"method":"ping"/);
      assert.equal(await workloads.stop(httpName, 1), true);
      assert.equal((await workloads.find(httpName))!.state, "exited");
      assert.equal(await workloads.remove(httpName), true);
      assert.equal(await workloads.remove(httpName), false);
      assert.equal(await workloads.find(httpName), undefined);
      await assert.rejects(workloads.logs(httpName), /No workload named .*: see thv list/);
    });

    await t.step("a missing image is a clear error and no container is left", async () => {
      await assert.rejects(
        workloads.deploy(config({ name: `missing-${suffix}`, image: "localhost/does-not-exist:1" })),
        /Image localhost\/does-not-exist:1 is not on the engine: pull or build it first/,
      );
      assert.equal(await workloads.find(`missing-${suffix}`), undefined);
    });
  } finally {
    await workloads.remove(stdioName).catch(() => {});
    await workloads.remove(httpName).catch(() => {});
  }
});
