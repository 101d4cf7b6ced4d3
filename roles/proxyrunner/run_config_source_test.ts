import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION } from "../../lib/run_config.ts";
import { loadRunnerInput, parsePodPatch, RUNCONFIG_PATHS } from "./run_config_source.ts";

const file = JSON.stringify({
  schema_version: RUN_CONFIG_SCHEMA_VERSION,
  name: "fetch",
  image: "from-file:1",
  transport: "sse",
  port: 8080,
  target_port: 8081,
  mcpserver_generation: 2,
});

const only = (files: Record<string, string>) => (path: string) => files[path];

Deno.test("loadRunnerInput reads the first RunConfig that exists, in the documented order", () => {
  assert.deepEqual(RUNCONFIG_PATHS, [
    "/etc/runconfig/runconfig.json",
    "/etc/toolhive/runconfig.json",
    "./runconfig.json",
  ]);
  const other = file.replace("from-file:1", "second:1");
  assert.equal(
    loadRunnerInput({}, { readText: only({ "/etc/toolhive/runconfig.json": other, "./runconfig.json": file }) }).source,
    "/etc/toolhive/runconfig.json",
  );
  const input = loadRunnerInput({}, {
    readText: only({ "/etc/runconfig/runconfig.json": file, "./runconfig.json": other }),
  });
  assert.equal(input.source, "/etc/runconfig/runconfig.json");
  assert.equal(input.config.image, "from-file:1");
  assert.deepEqual(input.podPatch, {});
});

Deno.test("loadRunnerInput lays the image, the pod patch and THV_MCPSERVER_GENERATION over the file", () => {
  const input = loadRunnerInput(
    { image: "positional:2", podPatch: '{"spec":{"serviceAccountName":"fetch-sa"}}', generation: "7" },
    { readText: only({ "./runconfig.json": file }) },
  );
  assert.equal(input.config.image, "positional:2");
  assert.equal(input.config.mcpserver_generation, 7);
  assert.deepEqual(input.podPatch, { spec: { serviceAccountName: "fetch-sa" } });
  assert.equal(
    loadRunnerInput({ generation: "" }, { readText: only({ "./runconfig.json": file }) }).config.mcpserver_generation,
    2,
  );
});

Deno.test("loadRunnerInput names every path when no RunConfig exists, and refuses a bad generation", () => {
  assert.throws(
    () => loadRunnerInput({}, { readText: only({}) }),
    /No RunConfig found at \/etc\/runconfig\/runconfig.json, /,
  );
  assert.throws(
    () => loadRunnerInput({ generation: "x" }, { readText: only({ "./runconfig.json": file }) }),
    /THV_MCPSERVER_GENERATION=x is not a generation/,
  );
});

Deno.test("parsePodPatch takes a JSON object and refuses anything else naming the flag", () => {
  assert.deepEqual(parsePodPatch(undefined), {});
  assert.deepEqual(parsePodPatch('{"spec":{}}'), { spec: {} });
  assert.throws(() => parsePodPatch("{"), /--k8s-pod-patch is not JSON/);
  assert.throws(() => parsePodPatch("[]"), /--k8s-pod-patch must be a JSON object/);
});
