/**
 * Container images without a registry or an engine: a folder becomes a single-layer docker-archive (the
 * `docker save` format that `podman load` and `ctr images import` read). The layer is reproducible: names
 * sorted, owner 0:0, mtime 0, so the same folder always gives the same image ID.
 * @module
 */

/** The image configuration that goes into the archive. */
export interface ImageConfig {
  /** Reference, e.g. `localhost/busybox:1.35`. */
  readonly ref: string;
  /** Entrypoint; `null` for none. */
  readonly entrypoint?: readonly string[] | null;
  /** Default command; `null` for none. */
  readonly cmd?: readonly string[] | null;
  /** `uid[:gid]` the container runs as; empty for the runtime's default (root). */
  readonly user?: string;
  /** Environment, `NAME=value` (default a PATH of the usual folders). */
  readonly env?: readonly string[];
  /** Working directory (default `/`). */
  readonly workingDir?: string;
}

/** What {@linkcode writeDockerArchive} wrote. */
export interface DockerArchive {
  /** The archive's path. */
  readonly path: string;
  /** The reference it carries. */
  readonly ref: string;
  /** The image ID, `sha256:<hex of the config>`. */
  readonly id: string;
  /** Size of the archive in bytes. */
  readonly bytes: number;
}

const DEFAULT_PATH = "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

async function run(cmd: string, args: readonly string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args: [...args], stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    throw new Error(`Cannot run ${cmd}: install it (apt-get install ${cmd === "sha256sum" ? "coreutils" : cmd})`, {
      cause: e,
    });
  }
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  return new TextDecoder().decode(out.stdout);
}

/** Reproducible tar flags: sorted names, numeric owner 0:0, every mtime at the epoch. */
const TAR_FIXED = ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--format=gnu"];

const sha256File = async (path: string) => (await run("sha256sum", [path])).split(" ")[0]!;

async function sha256Text(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The image config JSON (pure: the same inputs give the same bytes, hence the same image ID). */
export function imageConfigJson(config: ImageConfig, layerDiffId: string): string {
  return JSON.stringify({
    architecture: "amd64",
    os: "linux",
    created: "1970-01-01T00:00:00Z",
    config: {
      Env: [...(config.env ?? [DEFAULT_PATH])],
      Entrypoint: config.entrypoint ? [...config.entrypoint] : null,
      Cmd: config.cmd ? [...config.cmd] : null,
      User: config.user ?? "",
      WorkingDir: config.workingDir ?? "/",
    },
    rootfs: { type: "layers", diff_ids: [`sha256:${layerDiffId}`] },
    history: [{ created: "1970-01-01T00:00:00Z", created_by: "thv tests/harness/docker_archive.ts" }],
  });
}

/** Writes `folder` as a single-layer docker-archive at `out`, tagged `config.ref`. */
export async function writeDockerArchive(folder: string, out: string, config: ImageConfig): Promise<DockerArchive> {
  if (!/^[a-z0-9][a-z0-9._\/-]*(:[\w][\w.-]{0,127})$/.test(config.ref)) {
    throw new TypeError(`Image reference ${config.ref} is not name:tag: give one like localhost/busybox:1.35`);
  }
  const work = await Deno.makeTempDir({ prefix: "thv-archive-", dir: out.slice(0, out.lastIndexOf("/")) || "." });
  try {
    await run("tar", [...TAR_FIXED, "-C", folder, "-cf", `${work}/layer.tar`, "."]);
    const layer = await sha256File(`${work}/layer.tar`);
    await Deno.mkdir(`${work}/${layer}`);
    await Deno.rename(`${work}/layer.tar`, `${work}/${layer}/layer.tar`);
    const configJson = imageConfigJson(config, layer);
    const configHash = await sha256Text(configJson);
    await Deno.writeTextFile(`${work}/${configHash}.json`, configJson);
    const manifest = [{ Config: `${configHash}.json`, RepoTags: [config.ref], Layers: [`${layer}/layer.tar`] }];
    await Deno.writeTextFile(`${work}/manifest.json`, JSON.stringify(manifest));
    await run("tar", [...TAR_FIXED, "-C", work, "-cf", out, "manifest.json", `${configHash}.json`, layer]);
    return { path: out, ref: config.ref, id: `sha256:${configHash}`, bytes: (await Deno.stat(out)).size };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
