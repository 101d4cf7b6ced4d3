import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION } from "../run_config.ts";
import { checkWorkloadName, RunConfigStore, statePaths, writeFileAtomic } from "./mod.ts";

Deno.test("statePaths follows XDG, with ToolHive's folder names and HOME fallbacks", () => {
  assert.deepEqual(statePaths({ HOME: "/home/u" }), {
    runConfigs: "/home/u/.local/state/toolhive/runconfigs",
    groups: "/home/u/.local/state/toolhive/groups",
    statuses: "/home/u/.local/share/toolhive/statuses",
    pids: "/home/u/.local/share/toolhive/pids",
    logs: "/home/u/.local/share/toolhive/logs",
    locks: "/home/u/.local/share/toolhive/locks",
    sandboxes: "/home/u/.local/share/toolhive/sandboxes",
    secrets: "/home/u/.local/share/toolhive/secrets",
    serve: "/home/u/.local/share/toolhive/serve",
    config: "/home/u/.config/toolhive",
    cache: "/home/u/.cache/toolhive",
  });
  const xdg = statePaths({ HOME: "/h", XDG_STATE_HOME: "/s", XDG_DATA_HOME: "/d", XDG_CONFIG_HOME: "relative" });
  assert.equal(xdg.runConfigs, "/s/toolhive/runconfigs");
  assert.equal(xdg.logs, "/d/toolhive/logs");
  assert.equal(xdg.config, "/h/.config/toolhive", "a relative XDG value is ignored");
  assert.throws(() => statePaths({}), /set HOME/);
});

Deno.test("checkWorkloadName accepts DNS-like names and explains refusals", () => {
  for (const ok of ["fetch", "a", "my-server.1", "x_y"]) assert.equal(checkWorkloadName(ok), ok);
  for (const bad of ["", "Fetch", "-a", "a-", "../etc", "a/b", "x".repeat(64)]) {
    assert.throws(() => checkWorkloadName(bad), { name: "RangeError", message: /is not a workload name: use 1 to 63/ });
  }
});

Deno.test("writeFileAtomic replaces whole files, private, with no temporary left behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/nested/state.json`;
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, "two");
    assert.equal(await Deno.readTextFile(path), "two");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(`${dir}/nested`)].map((e) => e.name), ["state.json"]);
    // A rename onto a non-empty folder fails even for root: the write fails and leaves nothing behind.
    await Deno.mkdir(`${dir}/blocked/inside`, { recursive: true });
    await assert.rejects(writeFileAtomic(`${dir}/blocked`, "three"), /Cannot write .*blocked/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["blocked", "nested"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RunConfigStore saves, loads, lists and removes RunConfigs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new RunConfigStore(`${dir}/runconfigs`);
    assert.deepEqual(await store.names(), []);
    const config = {
      schema_version: RUN_CONFIG_SCHEMA_VERSION,
      name: "fetch",
      image: "img:1",
      transport: "stdio",
      port: 8080,
    } as const;
    await store.save((await import("../run_config.ts")).RunConfig.parse(config));
    assert.deepEqual(await store.names(), ["fetch"]);
    assert.equal((await store.load("fetch"))!.image, "img:1");
    assert.equal(await store.load("other"), undefined);
    await assert.rejects(store.load("../x"), RangeError);
    assert.equal(await store.remove("fetch"), true);
    assert.equal(await store.remove("fetch"), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SecretStore resolves references from a private file and names a missing secret", async () => {
  const { SecretStore, parseSecretRef } = await import("./mod.ts");
  const dir = await Deno.makeTempDir();
  try {
    const store = new SecretStore(dir);
    assert.deepEqual(parseSecretRef("TOKEN,target=API_TOKEN"), { name: "TOKEN", target: "API_TOKEN" });
    assert.throws(() => parseSecretRef("TOKEN"), /is not "<name>,target=<ENV>"/);
    await store.save("w", { TOKEN: "v" });
    assert.equal((await Deno.stat(`${dir}/w.json`)).mode! & 0o777, 0o600);
    assert.deepEqual(await store.resolve("w", ["TOKEN,target=API_TOKEN"]), { API_TOKEN: "v" });
    await assert.rejects(store.resolve("w", ["OTHER,target=X"]), /Secret OTHER of workload w is not stored: .*-e X=/);
    await store.remove("w");
    await assert.rejects(store.resolve("w", ["TOKEN,target=API_TOKEN"]), /is not stored/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
