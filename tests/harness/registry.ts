/**
 * A real OCI registry (CNCF Distribution) on a free loopback port, for tests that push and pull images: the
 * machine reaches no public registry. The binary comes from `THV_TEST_REGISTRY_BIN`, else
 * `scripts/build_registry.sh` builds it once from the Go module proxy.
 * @module
 */
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";
import { startProcess, waitUntilReady } from "./process.ts";

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`: the host part of image references pushed to it (plain HTTP). */
  readonly address: string;
  /** Stops it and deletes its storage. */
  stop(): Promise<void>;
  /** Same as {@linkcode TestRegistry.stop}. */
  [Symbol.asyncDispose](): Promise<void>;
}

async function registryBinary(): Promise<string> {
  const given = Deno.env.get("THV_TEST_REGISTRY_BIN");
  if (given) return given;
  const script = fileURLToPath(new URL("../../scripts/build_registry.sh", import.meta.url));
  const out = await new Deno.Command("bash", { args: [script], stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) {
    throw new Error("Cannot build the test registry: see the output of scripts/build_registry.sh above");
  }
  return new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
}

/** Starts a registry that keeps its blobs in a temporary folder. */
export async function startRegistry(): Promise<TestRegistry> {
  const binary = await registryBinary();
  const dir = await Deno.makeTempDir({ prefix: "thv-registry-" });
  const address = `127.0.0.1:${freePort()}`;
  await Deno.writeTextFile(
    `${dir}/config.yml`,
    [
      "version: 0.1",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${dir}/data`,
      "http:",
      `  addr: ${address}`,
      "log:",
      "  level: warn",
    ].join("\n") + "\n",
  );
  const process = await startProcess("registry", binary, {
    args: ["serve", `${dir}/config.yml`],
    logPath: `${dir}/registry.log`,
    env: { OTEL_TRACES_EXPORTER: "none" },
  });
  const stop = async () => {
    await process.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await waitUntilReady(
      process,
      () => fetch(`http://${address}/v2/`).then(async (r) => (await r.body?.cancel(), r.ok), () => false),
      { deadlineMs: 20_000, what: "the registry" },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, stop, [Symbol.asyncDispose]: stop };
}
