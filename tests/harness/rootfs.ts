/**
 * Root file systems for test images, assembled in a folder from files of this machine: Debian's static
 * busybox with its applets, host binaries with the shared libraries they link, and given files.
 * @module
 */

/** Where Debian's busybox-static puts its binary. */
export const BUSYBOX = "/bin/busybox";

/** The applets every busybox test image links besides the ones a test asks for. */
export const BASE_APPLETS = ["sh"] as const;

async function run(cmd: string, args: readonly string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args: [...args], stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  return new TextDecoder().decode(out.stdout);
}

const inside = (root: string, path: string) => `${root}/${path.replace(/^\/+/, "")}`;
const parent = (path: string) => path.slice(0, path.lastIndexOf("/"));

/** Writes text files into `root`: path inside the image → content. */
export async function writeFiles(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = inside(root, path);
    await Deno.mkdir(parent(target), { recursive: true });
    await Deno.writeTextFile(target, content);
  }
}

/** Copies host files or folders into `root` (symlinks followed): path inside the image → host path. */
export async function copyInto(root: string, copies: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, host] of Object.entries(copies)) {
    const target = inside(root, path);
    await Deno.mkdir(parent(target), { recursive: true });
    await run("cp", ["-a", "-L", host, target]);
  }
}

/** The shared libraries (and the loader) that `binary` links, as absolute host paths. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const out = await run("ldd", [binary]).catch((e) => {
    // A static binary: ldd exits 1 with "not a dynamic executable".
    if (/not a dynamic executable/.test((e as Error).message)) return "";
    throw e;
  });
  return [...new Set([...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!))];
}

/** Copies `binary` to `path` inside `root` together with the libraries it links (at their host paths). */
export async function copyBinaryWithLibraries(root: string, path: string, binary: string): Promise<void> {
  const copies: Record<string, string> = { [path]: binary };
  for (const lib of await sharedLibraries(binary)) copies[lib] = lib;
  await copyInto(root, copies);
}

/** Lays out a busybox root file system in `root`: `/bin/busybox`, applet links, `/tmp`, passwd and group. */
export async function busyboxRootfs(root: string, applets: readonly string[] = []): Promise<void> {
  try {
    await Deno.stat(BUSYBOX);
  } catch {
    throw new Error(`${BUSYBOX} is missing: install busybox-static (apt-get install busybox-static)`);
  }
  await Deno.mkdir(`${root}/bin`, { recursive: true });
  await Deno.mkdir(`${root}/tmp`, { recursive: true });
  await Deno.chmod(`${root}/tmp`, 0o1777);
  await Deno.copyFile(BUSYBOX, `${root}/bin/busybox`);
  for (const applet of new Set([...BASE_APPLETS, ...applets])) {
    await Deno.symlink("busybox", `${root}/bin/${applet}`);
  }
  await writeFiles(root, {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    "/etc/group": "root:x:0:\nnogroup:x:65534:\n",
  });
}
