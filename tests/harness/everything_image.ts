/**
 * A container image of @modelcontextprotocol/server-everything on Node.js, built from local files (no
 * registry can be pulled from here): the machine's node binary and the C libraries it links, plus the
 * package installed with npm into a cache outside the repository.
 * @module
 */
import type Docker from "dockerode";
import type { DockerArchive } from "./docker_archive.ts";
import { loadArchive, testImageArchive } from "./images.ts";

/** The server-everything version baked in. */
export const EVERYTHING_VERSION = "2026.8.31";
/** The image's tag. */
export const EVERYTHING_IMAGE = `localhost/thv-test-everything:${EVERYTHING_VERSION}`;

/** The image's server, as a command line: append `stdio`, `sse` or `streamableHttp`. */
export const EVERYTHING_IN_IMAGE = [
  "/usr/bin/node",
  "/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
];

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** Writes the image as a docker-archive at `out` (for Podman and the test cluster alike). */
export async function everythingArchive(out: string, env = Deno.env.toObject()): Promise<DockerArchive> {
  const cache = `${env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`}/thv/test-images/everything-${EVERYTHING_VERSION}`;
  const modules = `${cache}/node_modules`;
  if (!(await Deno.stat(`${modules}/@modelcontextprotocol/server-everything`).then(() => true, () => false))) {
    await Deno.mkdir(cache, { recursive: true });
    await Deno.writeTextFile(`${cache}/package.json`, '{"private":true}');
    await run("npm", [
      "install",
      "--prefix",
      cache,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `@modelcontextprotocol/server-everything@${EVERYTHING_VERSION}`,
    ]);
  }
  const node = (await run("sh", ["-c", "command -v node"])).trim();
  const libs = [...(await run("ldd", [node])).matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
  const copy: Record<string, string> = { "/usr/bin/node": node, "/app/node_modules": modules };
  for (const lib of new Set(libs)) copy[lib] = lib;
  return await testImageArchive({ tag: EVERYTHING_IMAGE, cmd: [...EVERYTHING_IN_IMAGE, "stdio"], copy }, out);
}

/** Builds the image unless the engine has it already; returns its tag. The image runs the server over stdio. */
export async function everythingImage(docker: Docker, env = Deno.env.toObject()): Promise<string> {
  if (await docker.getImage(EVERYTHING_IMAGE).inspect().then(() => true, () => false)) return EVERYTHING_IMAGE;
  const dir = await Deno.makeTempDir({ prefix: "thv-everything-" });
  try {
    await loadArchive(docker, await everythingArchive(`${dir}/everything.tar`, env));
    return EVERYTHING_IMAGE;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
