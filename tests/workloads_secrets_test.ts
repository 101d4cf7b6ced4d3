/**
 * Secret values stay out of the RunConfig (design.md §3): a workload created with a secret saves only the
 * reference, the value in a separate 0600 file; the server (here the probe fixture in the Deno sandbox) sees
 * it in its environment; `export --format k8s` refers to a Secret; removing the workload deletes the value.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createLogger } from "../lib/log.ts";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig } from "../lib/run_config.ts";
import { statePaths } from "../lib/state/mod.ts";
import {
  createWorkload,
  kubernetesManifests,
  removeWorkload,
  sandboxBackend,
  type WorkloadDeps,
} from "../lib/workloads/mod.ts";
import { connectClient, freePort } from "./harness/mod.ts";

const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

Deno.test("a secret reaches the server's environment but never the RunConfig, and rm deletes it", async () => {
  const home = await Deno.makeTempDir({ prefix: "thv-home-" });
  const paths = statePaths({ HOME: home });
  const deps: WorkloadDeps = {
    paths,
    backendFor: (config) =>
      sandboxBackend(config, {
        denoDir: `${Deno.env.get("HOME")}/.cache/thv/test-sandbox-deno`,
        workDir: `${paths.sandboxes}/${config.name}`,
        logFile: `${paths.logs}/${config.name}-server.log`,
        denoPath: Deno.execPath(),
        hostEnv: {},
      }),
    self: [],
    log: createLogger({ format: "json", level: "error", write: () => {} }),
  };
  const config = RunConfig.parse({
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: "probe",
    image: PROBE,
    transport: "stdio",
    port: freePort(),
    env_vars: { PLAIN: "visible" },
    secrets: ["API_TOKEN,target=API_TOKEN"],
    permission_profile_name_or_path: "none",
  });
  const stop = new AbortController();
  try {
    const run = await createWorkload(config, deps, {
      secrets: { API_TOKEN: "s3cr3t-value" },
      foreground: { signal: stop.signal },
    });
    const client = await connectClient(run.url);
    const result = await client.callTool({ name: "env", arguments: {} });
    await client.close();
    const env = JSON.parse((result.content as Array<{ text: string }>)[0]!.text);
    assert.equal(env.API_TOKEN, "s3cr3t-value");
    assert.equal(env.PLAIN, "visible");

    const saved = await Deno.readTextFile(`${paths.runConfigs}/probe.json`);
    assert.doesNotMatch(saved, /s3cr3t-value/);
    assert.match(saved, /"API_TOKEN,target=API_TOKEN"/);
    const secretFile = `${paths.secrets}/probe.json`;
    assert.equal((await Deno.stat(secretFile)).mode! & 0o777, 0o600);
    assert.doesNotMatch(await Deno.readTextFile(`${paths.logs}/probe-server.log`).catch(() => ""), /s3cr3t/);

    const image = { ...config, image: "ghcr.io/example/probe:1" };
    const server = kubernetesManifests(image).at(-1) as { spec: { secrets: unknown[] } };
    assert.deepEqual(server.spec.secrets, [{ name: "probe-secrets", key: "API_TOKEN", targetEnvName: "API_TOKEN" }]);

    stop.abort();
    await run.finished;
    await removeWorkload("probe", deps);
    await assert.rejects(Deno.stat(secretFile), Deno.errors.NotFound);
  } finally {
    stop.abort();
    await Deno.remove(home, { recursive: true });
  }
});
