/**
 * `deno task image`: builds the thv container image `localhost/thv:<version>` from local files only (no
 * registry, no engine): the deno binary and the C libraries it links, thv's source, its npm dependencies and
 * a Deno cache warmed inside the image's own root (so it starts without any download, also offline), a
 * static busybox `sh` for the `thv` launcher, and a non-root user. The prepared folder is
 * `dist/image/rootfs` (the `Containerfile` builds the same image `FROM scratch` from it); the docker-archive
 * is `dist/image/thv-<version>.tar` (`podman load -i`, `ctr images import`). `--load` also loads it into Podman.
 * @module
 */
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };
import { THV_V8_FLAGS_ARG } from "../lib/config/mod.ts";
import { type DockerArchive, writeDockerArchive } from "../tests/harness/docker_archive.ts";
import { copyBinaryWithLibraries, writeFiles } from "../tests/harness/rootfs.ts";
import { lazyModules, thvSources } from "./lazy_modules.ts";

/** The image's reference. */
export const THV_IMAGE = `localhost/thv:${denoJson.version}`;
/** The user the image runs as (`thv`). */
export const THV_UID = 65532;
/** The repository root. */
const REPO = fileURLToPath(new URL("..", import.meta.url));

/** The source the image carries: what `main.ts` imports, never tests. */
const SOURCES = ["main.ts", "deno.json", "deno.lock", "package.json", "lib", "roles", "crds"];

/** The image's environment (the Containerfile repeats it). */
export const THV_ENV = [
  "PATH=/usr/local/bin:/usr/bin:/bin",
  "DENO_DIR=/app/.deno-dir",
  "DENO_NO_UPDATE_CHECK=1",
  "DENO_NO_PROMPT=1",
  "HOME=/tmp",
];

/** The `thv` launcher: deno on thv's source with its V8 flags, the lock frozen, nothing fetched. */
export const LAUNCHER = `#!/bin/sh
exec /usr/local/bin/deno run --frozen --cached-only --no-prompt --allow-env --allow-read --allow-write \\
  --allow-net --allow-sys --allow-run ${THV_V8_FLAGS_ARG} --config=/app/deno.json /app/main.ts "$@"
`;

async function run(cmd: string, args: readonly string[], env?: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(cmd, { args: [...args], env, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${dec.decode(out.stderr).trim()}`);
  return dec.decode(out.stdout);
}

/** Options of {@linkcode prepareThvRootfs}. */
export interface RootfsOptions {
  /** Repository files to add besides thv's source (test images add a fixture). */
  readonly extraFiles?: readonly string[];
  /** The deno binary (default: the one running). */
  readonly deno?: string;
}

/**
 * Lays out the image's root file system in `root` (which must not exist). Runs deno once inside it,
 * chrooted and without network, to fill the Deno cache at the paths the image uses.
 */
export async function prepareThvRootfs(root: string, options: RootfsOptions = {}): Promise<void> {
  await Deno.mkdir(root, { recursive: true });
  await copyBinaryWithLibraries(root, "/usr/local/bin/deno", options.deno ?? Deno.execPath());
  await Deno.mkdir(`${root}/bin`, { recursive: true });
  await Deno.copyFile("/bin/busybox", `${root}/bin/busybox`).catch((e) => {
    throw new Error("/bin/busybox is missing: install busybox-static (apt-get install busybox-static)", { cause: e });
  });
  await Deno.symlink("busybox", `${root}/bin/sh`);
  await writeFiles(root, {
    "/usr/local/bin/thv": LAUNCHER,
    "/etc/passwd": `root:x:0:0:root:/root:/bin/sh\nthv:x:${THV_UID}:${THV_UID}:thv:/tmp:/bin/sh\n`,
    "/etc/group": `root:x:0:\nthv:x:${THV_UID}:\n`,
  });
  await Deno.chmod(`${root}/usr/local/bin/thv`, 0o755);
  for (const dir of ["tmp", "proc", "dev", "sys", "etc/ssl/certs"]) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  }
  await Deno.chmod(`${root}/tmp`, 0o1777);
  const caBundle = "/etc/ssl/certs/ca-certificates.crt";
  if (await Deno.stat(caBundle).then(() => true, () => false)) {
    await Deno.copyFile(caBundle, `${root}${caBundle}`);
  }
  // Tracked files only, tests left out; node_modules as installed (its links are relative).
  const files = (await run("git", ["-C", REPO, "ls-files", "--", ...SOURCES, ...(options.extraFiles ?? [])]))
    .split("\n").filter((f) => f && (!f.endsWith("_test.ts") || options.extraFiles?.includes(f)));
  for (const file of files) {
    const target = `${root}/app/${file}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${REPO}/${file}`, target);
  }
  if (!(await Deno.stat(`${REPO}/node_modules`).then(() => true, () => false))) {
    throw new Error(`${REPO}node_modules is missing: run deno install --frozen first`);
  }
  await run("cp", ["-a", `${REPO}/node_modules`, `${root}/app/node_modules`]);
  await warmCache(root);
}

/**
 * Runs `thv --version` and `deno cache` inside `root` (chroot, new mount and network namespaces): of main.ts
 * and of the modules it imports lazily (the commands and roles), which main.ts's own graph leaves out.
 */
async function warmCache(root: string): Promise<void> {
  const lazy = lazyModules(await thvSources(`${root}/app`), (path) => {
    try {
      return Deno.statSync(`${root}/app/${path}`).isFile;
    } catch {
      return false;
    }
  }).map((path) => `/app/${path}`);
  const script = [
    `mount -t proc proc "${root}/proc"`,
    `mount --bind /dev "${root}/dev"`,
    `/usr/sbin/chroot "${root}" /usr/local/bin/deno cache --frozen --config=/app/deno.json /app/main.ts ${
      lazy.join(" ")
    }`,
    `/usr/sbin/chroot "${root}" /usr/local/bin/thv --version`,
  ].join(" && ");
  const env = Object.fromEntries(THV_ENV.map((e) => e.split("=", 2) as [string, string]));
  const out = await run("unshare", ["--net", "--mount", "--pid", "--fork", "sh", "-c", script], env).catch((e) => {
    throw new Error(`Warming the image's Deno cache offline failed (needs root for chroot): ${(e as Error).message}`, {
      cause: e,
    });
  });
  if (out.trim() !== denoJson.version) {
    throw new Error(`thv --version in the image printed ${JSON.stringify(out.trim())}, not ${denoJson.version}`);
  }
}

/** Builds the image into `outDir` (`rootfs/` and `thv-<version>.tar`). */
export async function buildThvImage(outDir = `${REPO}dist/image`): Promise<DockerArchive> {
  const root = `${outDir}/rootfs`;
  await Deno.remove(root, { recursive: true }).catch(() => {});
  await prepareThvRootfs(root);
  return await writeDockerArchive(root, `${outDir}/thv-${denoJson.version}.tar`, {
    ref: THV_IMAGE,
    entrypoint: ["/usr/local/bin/thv"],
    user: `${THV_UID}:${THV_UID}`,
    env: THV_ENV,
    workingDir: "/tmp",
  });
}

if (import.meta.main) {
  const load = Deno.args.includes("--load");
  const unknown = Deno.args.filter((a) => a !== "--load");
  if (unknown.length) {
    console.error(`deno task image: unknown argument ${unknown[0]}: the only option is --load (load into Podman)`);
    Deno.exit(2);
  }
  const started = Date.now();
  const image = await buildThvImage();
  const rootfsBytes = Number((await run("du", ["-sb", `${REPO}dist/image/rootfs`])).split("\t")[0]);
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  console.log(`${image.ref} ${image.id}`);
  console.log(`archive ${image.path}: ${mib(image.bytes)} (root file system ${mib(rootfsBytes)})`);
  if (load) {
    console.log((await run("podman", ["load", "-i", image.path])).trim());
  }
  console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
