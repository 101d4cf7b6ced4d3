/**
 * What `thv runtime check` (and later `thv serve`) reports of the runtime: the choice and why, and for a
 * container engine the version its socket answers with. The engine's client loads only when there is one.
 * @module
 */
import type { RuntimeChoice } from "./detect.ts";

/** The runtime choice and, for a container engine, the versions it reported. */
export type RuntimeReport = RuntimeChoice & { readonly engineVersion?: string; readonly apiVersion?: string };

/**
 * Reports on `choice`: a container engine is asked for its version, waiting at most `timeoutMs`; the error
 * when it does not answer says what to do.
 */
export async function runtimeReport(
  choice: RuntimeChoice,
  options: { readonly timeoutMs: number },
): Promise<RuntimeReport> {
  if (!("socketPath" in choice)) return choice;
  const { engineVersion } = await import("./docker/mod.ts");
  const v = await engineVersion(choice.socketPath, { timeoutMs: options.timeoutMs });
  return { ...choice, engineVersion: v.version, apiVersion: v.apiVersion };
}
