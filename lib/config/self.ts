/**
 * How thv starts itself again (the detached proxy of `thv run`): the compiled binary is just its own path;
 * from source it is `deno run` with thv's permissions, V8 flags and config, then `main.ts`. Pure.
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

/**
 * The V8 flags thv runs with (decision 013): a young generation of at most 2 x 4 MiB instead of V8's
 * 2 x 16 MiB, which under load is most of the proxy's private memory. V8 reads them only when it starts, so
 * they travel on every command line that starts thv: the `thv` task, this self command, the image's
 * launcher, and `deno compile` (which bakes them into the binary).
 */
export const THV_V8_FLAGS = ["--max-semi-space-size=4"] as const;

/** {@linkcode THV_V8_FLAGS} as the one `deno run` / `deno compile` argument that sets them. */
export const THV_V8_FLAGS_ARG = `--v8-flags=${THV_V8_FLAGS.join(",")}`;

/** The command line prefix that runs this thv, from the executable's path and the main module's URL. */
export function selfCommand(execPath: string, mainModule: string): string[] {
  const executable = execPath.split("/").at(-1) ?? "";
  if (!/^deno(\.exe)?$/.test(executable) || !mainModule.startsWith("file://")) return [execPath];
  const main = decodeURIComponent(new URL(mainModule).pathname);
  const root = main.slice(0, main.lastIndexOf("/"));
  return [execPath, "run", ...THV_PERMISSIONS, THV_V8_FLAGS_ARG, `--config=${root}/deno.json`, main];
}
