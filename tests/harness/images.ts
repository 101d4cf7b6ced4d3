/**
 * Builds small container images from local files, since no registry can be pulled from here: a busybox
 * root file system (from Debian's busybox-static) plus the files a test names, written as a reproducible
 * docker-archive that Podman loads and the test cluster's containerd imports alike.
 * @module
 */
import type Docker from "dockerode";
import { type DockerArchive, writeDockerArchive } from "./docker_archive.ts";
import { busyboxRootfs, copyInto, writeFiles } from "./rootfs.ts";

/** What goes into a test image. */
export interface TestImageSpec {
  /** Image reference; Podman ignores a separate tag, so it belongs here, e.g. `localhost/thv-test-cat:1`. */
  readonly tag: string;
  /** Extra files: path inside the image → text content. */
  readonly files?: Readonly<Record<string, string>>;
  /** The image's default command. */
  readonly cmd: readonly string[];
  /** Busybox applets to link in `/bin` besides `sh`. */
  readonly applets?: readonly string[];
  /** Host files or folders to copy in: path inside the image → host path. */
  readonly copy?: Readonly<Record<string, string>>;
  /** `uid[:gid]` to run as (default root). */
  readonly user?: string;
}

/** Writes the image as a docker-archive at `out`. */
export async function testImageArchive(spec: TestImageSpec, out: string): Promise<DockerArchive> {
  const dir = await Deno.makeTempDir({ prefix: "thv-image-" });
  try {
    const root = `${dir}/rootfs`;
    await busyboxRootfs(root, spec.applets);
    await writeFiles(root, spec.files ?? {});
    await copyInto(root, spec.copy ?? {});
    return await writeDockerArchive(root, out, {
      ref: spec.tag,
      cmd: spec.cmd,
      ...(spec.user ? { user: spec.user } : {}),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Loads a docker-archive into the engine behind `docker` (`podman load`); returns the image's ID there. */
export async function loadArchive(docker: Docker, archive: DockerArchive): Promise<string> {
  const previous = await docker.getImage(archive.ref).inspect().then((i) => i.Id, () => undefined);
  const file = await Deno.open(archive.path);
  try {
    const { Readable } = await import("node:stream");
    const stream: NodeJS.ReadableStream = await docker.loadImage(Readable.fromWeb(file.readable as never));
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()))
    );
  } finally {
    try {
      file.close();
    } catch { /* the stream closed it */ }
  }
  const loaded = await docker.getImage(archive.ref).inspect();
  if (previous && previous !== loaded.Id) {
    // Still in use by a container: then it stays, as it must.
    await docker.getImage(previous).remove().catch(() => {});
  }
  return loaded.Id;
}

/** Builds the image into the engine and returns its tag; the image it replaces under that tag is removed. */
export async function buildTestImage(docker: Docker, spec: TestImageSpec): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "thv-image-tar-" });
  try {
    await loadArchive(docker, await testImageArchive(spec, `${dir}/image.tar`));
    return spec.tag;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
