/**
 * Where the proxy runner's RunConfig comes from: the first of the mounted files, with the positional image,
 * `--k8s-pod-patch` and `THV_MCPSERVER_GENERATION` laid over it (toolhive-reference.md §3).
 * @module
 */
import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { parseRunConfig, type RunConfig } from "../../lib/run_config.ts";

/** The RunConfig files looked for, in order. */
export const RUNCONFIG_PATHS = [
  "/etc/runconfig/runconfig.json",
  "/etc/toolhive/runconfig.json",
  "./runconfig.json",
] as const;

/** What overrides the file's RunConfig. */
export interface RunnerOverrides {
  /** The positional image. */
  readonly image?: string;
  /** The `--k8s-pod-patch` JSON text. */
  readonly podPatch?: string;
  /** `THV_MCPSERVER_GENERATION`. */
  readonly generation?: string;
}

/** The RunConfig and pod patch the runner acts on. */
export interface RunnerInput {
  /** Where the RunConfig was read. */
  readonly source: string;
  /** The RunConfig after the overrides. */
  readonly config: RunConfig;
  /** The pod patch (`{}` when none). */
  readonly podPatch: V1PodTemplateSpec;
}

/** Parses a `--k8s-pod-patch` value; a TypeError naming the flag when it is not a JSON object. */
export function parsePodPatch(text: string | undefined): V1PodTemplateSpec {
  if (text === undefined || text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`--k8s-pod-patch is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError("--k8s-pod-patch must be a JSON object (a pod template spec)");
  }
  return value as V1PodTemplateSpec;
}

/**
 * Reads the first RunConfig of `paths` that exists (through `readText`, which returns undefined for a missing
 * file) and applies `overrides`; an Error naming every path when none exists.
 */
export function loadRunnerInput(
  overrides: RunnerOverrides,
  options: { readonly readText: (path: string) => string | undefined; readonly paths?: readonly string[] },
): RunnerInput {
  const paths = options.paths ?? RUNCONFIG_PATHS;
  for (const path of paths) {
    const text = options.readText(path);
    if (text === undefined) continue;
    const file = parseRunConfig(text, path);
    let generation = file.mcpserver_generation;
    if (overrides.generation !== undefined && overrides.generation !== "") {
      const n = Number(overrides.generation);
      if (!Number.isInteger(n) || n < 0) {
        throw new TypeError(`THV_MCPSERVER_GENERATION=${overrides.generation} is not a generation: unset it`);
      }
      generation = n;
    }
    const config: RunConfig = {
      ...file,
      ...(overrides.image ? { image: overrides.image } : {}),
      ...(generation !== undefined ? { mcpserver_generation: generation } : {}),
    };
    return { source: path, config, podPatch: parsePodPatch(overrides.podPatch) };
  }
  throw new Error(`No RunConfig found at ${paths.join(", ")}: mount the ConfigMap <name>-runconfig at /etc/runconfig`);
}

/** Reads a file as text; undefined when it does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
