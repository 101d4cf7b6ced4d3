/**
 * The secrets password for commands that start workloads (`run`, `start`, `restart`): when a workload's
 * `--secret` references need the encrypted store, `TOOLHIVE_SECRETS_PASSWORD` is not set and a terminal is
 * attached, it is asked for once and put in the environment the detached proxy receives (as ToolHive's
 * does), never on a command line.
 * @module
 */
import type { CliContext } from "./context.ts";

/** The context with the password in its environment when `needed` and only a prompt can give it. */
export async function withSecretsPassword(ctx: CliContext, needed: boolean): Promise<CliContext> {
  if (!needed || ctx.env.TOOLHIVE_SECRETS_PASSWORD || !Deno.stdin.isTerminal()) return ctx;
  const [{ configuredProvider }, { statePaths }, { passwordPrompt }] = await Promise.all([
    import("../../lib/secrets/mod.ts"),
    import("../../lib/state/mod.ts"),
    import("./secret.ts"),
  ]);
  const type = ctx.env.TOOLHIVE_SECRETS_PROVIDER || (await configuredProvider(statePaths(ctx.env)));
  if (type !== "encrypted") return ctx;
  const password = await passwordPrompt();
  return password ? { ...ctx, env: { ...ctx.env, TOOLHIVE_SECRETS_PASSWORD: password } } : ctx;
}

/**
 * Whether the saved RunConfig of `name` (of any workload, when no name is given: a group's) refers to
 * secrets; false when it cannot be read (start will say why) or no prompt could be shown anyway.
 */
export async function hasSecretRefs(ctx: CliContext, name: string | undefined): Promise<boolean> {
  if (ctx.env.TOOLHIVE_SECRETS_PASSWORD || !Deno.stdin.isTerminal()) return false;
  const { statePaths } = await import("../../lib/state/mod.ts");
  const dir = statePaths(ctx.env).runConfigs;
  const files = name !== undefined
    ? [`${name}.json`]
    : await Array.fromAsync(Deno.readDir(dir)).then((es) => es.map((e) => e.name)).catch(() => []);
  for (const file of files) {
    try {
      const saved = JSON.parse(await Deno.readTextFile(`${dir}/${file}`));
      if (Array.isArray(saved?.secrets) && saved.secrets.length > 0) return true;
    } catch { /* unreadable: start names the problem */ }
  }
  return false;
}
