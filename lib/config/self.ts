/**
 * How thv starts itself again (the detached proxy of `thv run`): the compiled binary is just its own path;
 * from source it is `deno run` with thv's permissions and config, then `main.ts`. Pure.
 * @module
 */

/** The permissions thv runs with from source (the same as the `thv` task). */
export const THV_PERMISSIONS = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-sys",
  "--allow-run",
] as const;

/** The command line prefix that runs this thv, from the executable's path and the main module's URL. */
export function selfCommand(execPath: string, mainModule: string): string[] {
  const executable = execPath.split("/").at(-1) ?? "";
  if (!/^deno(\.exe)?$/.test(executable) || !mainModule.startsWith("file://")) return [execPath];
  const main = decodeURIComponent(new URL(mainModule).pathname);
  const root = main.slice(0, main.lastIndexOf("/"));
  return [execPath, "run", ...THV_PERMISSIONS, `--config=${root}/deno.json`, main];
}
