/**
 * Builds small container images from local files, since no registry can be pulled from here: a busybox
 * root file system (from Debian's busybox-static) plus the files a test names, imported as one layer.
 * @module
 */
import type Docker from "dockerode";

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
}

const BUSYBOX = "/bin/busybox";

/** Builds the image and returns its tag; the image it replaces under that tag is removed, not left dangling. */
export async function buildTestImage(docker: Docker, spec: TestImageSpec): Promise<string> {
  try {
    await Deno.stat(BUSYBOX);
  } catch {
    throw new Error(`${BUSYBOX} is missing: install busybox-static (apt-get install busybox-static)`);
  }
  const dir = await Deno.makeTempDir({ prefix: "thv-image-" });
  try {
    const root = `${dir}/rootfs`;
    await Deno.mkdir(`${root}/bin`, { recursive: true });
    await Deno.mkdir(`${root}/tmp`, { mode: 0o1777 });
    await Deno.copyFile(BUSYBOX, `${root}/bin/busybox`);
    for (const applet of new Set(["sh", ...(spec.applets ?? [])])) {
      await Deno.symlink("busybox", `${root}/bin/${applet}`);
    }
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      const target = `${root}/${path.replace(/^\/+/, "")}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(target, content);
    }
    for (const [inside, host] of Object.entries(spec.copy ?? {})) {
      const target = `${root}/${inside.replace(/^\/+/, "")}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      const cp = await new Deno.Command("cp", { args: ["-a", "-L", host, target], stderr: "piped" }).output();
      if (!cp.success) throw new Error(`cp ${host} failed: ${new TextDecoder().decode(cp.stderr)}`);
    }
    const tar = await new Deno.Command("tar", { args: ["-C", root, "-cf", `${dir}/rootfs.tar`, "."] }).output();
    if (!tar.success) throw new Error(`tar failed: ${new TextDecoder().decode(tar.stderr)}`);
    const previous = await docker.getImage(spec.tag).inspect().then((i) => i.Id, () => undefined);
    const options: Record<string, unknown> = { repo: spec.tag, changes: [`CMD ${JSON.stringify(spec.cmd)}`] };
    const stream: NodeJS.ReadableStream = await docker.importImage(`${dir}/rootfs.tar`, options);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()))
    );
    const built = await docker.getImage(spec.tag).inspect();
    if (previous && previous !== built.Id) {
      // Still in use by a container: then it stays, as it must.
      await docker.getImage(previous).remove().catch(() => {});
    }
    return spec.tag;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
