/**
 * `--authz-config <file>` of `thv run` and `thv proxy`: an authorization config (Cedar policies, `cedarv1`,
 * or an HTTP decision point, `httpv1`; JSON, or YAML for `.yaml`/`.yml`), read and checked here, at the edge,
 * so a bad policy fails the command rather than a detached proxy. `thv run` passes the path to
 * lib/workloads, which keeps the file in the RunConfig (`authz_config`); `thv proxy` builds its chain from it.
 * @module
 */
import { Option } from "@commander-js/extra-typings";
import { lazyImport } from "../../lib/lazy_import.ts";

/** The `--authz-config <file>` option. */
export function authzConfigOption() {
  return new Option(
    "--authz-config <file>",
    "authorization config: Cedar policies (cedarv1) or an HTTP decision point (httpv1), JSON or YAML (docs/auth.md)",
  );
}

/** `thv proxy [--authz-config f] stdio [--authz-config f]`: the one given; refused when given on both sides. */
export function authzConfigOf(own: string | undefined, parent: string | undefined): string | undefined {
  if (own && parent) throw new TypeError("--authz-config is given both before and after `stdio`: give it once");
  return own ?? parent;
}

const authz = () =>
  lazyImport<typeof import("../../lib/authz/mod.ts")>(new URL("../../lib/authz/mod.ts", import.meta.url));

/** The RunConfig field `--authz-config <file>` gives (`authz_config`, the file read and checked); none without it. */
export async function authzFieldsOf(file: string | undefined): Promise<{ authz_config?: unknown }> {
  if (!file) return {};
  const { loadAuthzFile } = await authz();
  return { authz_config: await loadAuthzFile(file) };
}
