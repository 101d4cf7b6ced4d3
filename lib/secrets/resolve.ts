/**
 * Turns a workload's `--secret` references into its environment, just before its server starts: each
 * `NAME,target=ENV` not already held by the workload's own values is read from the secrets provider, opened
 * only when one is needed. The values go to the server's environment and nowhere else.
 * @module
 */
import { parseSecretRef } from "../state/mod.ts";
import { openProvider, type ProviderOptions, SECRET_ENV_PREFIX, type SecretsProvider } from "./provider.ts";

/** The environment `refs` give: `own` values first, then the provider's; names the secret that is missing. */
export async function resolveSecretRefs(
  workload: string,
  refs: readonly string[],
  own: Readonly<Record<string, string>>,
  options: ProviderOptions,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  let provider: SecretsProvider | undefined;
  for (const ref of refs) {
    const { name, target } = parseSecretRef(ref);
    let value = own[name];
    if (value === undefined) {
      try {
        provider ??= await openProvider(options);
      } catch (e) {
        throw new Error(`Secret ${name} of workload ${workload}: ${(e as Error).message}`);
      }
      value = await provider.get(name).catch((e: Error) => {
        throw new Error(`Secret ${name} of workload ${workload}: ${e.message}`);
      });
    }
    if (value === undefined) {
      const fix = provider?.type === "environment"
        ? `export ${SECRET_ENV_PREFIX}${name}`
        : `add it with thv secret set ${name}`;
      throw new Error(
        `Secret ${name} of workload ${workload} is not in the ${provider?.type} secrets provider: ${fix}`,
      );
    }
    env[target] = value;
  }
  return env;
}
