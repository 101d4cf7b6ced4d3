/**
 * The images every test cluster has without a registry: the pod sandbox (`pause`), a busybox test image
 * and CoreDNS, written as docker-archives and imported into the cluster's containerd.
 * @module
 */
import { type DockerArchive, writeDockerArchive } from "../docker_archive.ts";
import { busyboxRootfs, writeFiles } from "../rootfs.ts";
import { BUSYBOX_IMAGE, COREDNS_IMAGE, PAUSE_IMAGE } from "./config.ts";
import { must } from "./host.ts";

/** The applets of the busybox test image. */
export const BUSYBOX_APPLETS = [
  "ash",
  "cat",
  "date",
  "echo",
  "env",
  "false",
  "grep",
  "head",
  "hostname",
  "httpd",
  "id",
  "ip",
  "kill",
  "ls",
  "mkdir",
  "nc",
  "nslookup",
  "printf",
  "ps",
  "rm",
  "sed",
  "sleep",
  "tail",
  "test",
  "timeout",
  "touch",
  "true",
  "uname",
  "wget",
];

async function singleBinary(dir: string, name: string, binary: string, ref: string, user: string) {
  const root = `${dir}/rootfs-${name}`;
  await Deno.mkdir(root, { recursive: true });
  await Deno.copyFile(binary, `${root}/${name}`);
  await Deno.chmod(`${root}/${name}`, 0o755);
  return await writeDockerArchive(root, `${dir}/${name}.tar`, { ref, entrypoint: [`/${name}`], user });
}

/** Writes the pause, busybox and CoreDNS archives into `dir`. */
export async function baseImages(dir: string, nodeDir: string): Promise<DockerArchive[]> {
  await Deno.mkdir(dir, { recursive: true });
  const pause = await singleBinary(dir, "pause", `${nodeDir}/pause`, PAUSE_IMAGE, "65535:65535");
  const coredns = await singleBinary(dir, "coredns", `${nodeDir}/coredns`, COREDNS_IMAGE, "65534:65534");
  const busyboxRoot = `${dir}/rootfs-busybox`;
  await busyboxRootfs(busyboxRoot, BUSYBOX_APPLETS);
  await writeFiles(busyboxRoot, { "/www/index.html": "hello from busybox httpd\n" });
  const busybox = await writeDockerArchive(busyboxRoot, `${dir}/busybox.tar`, { ref: BUSYBOX_IMAGE, cmd: ["sh"] });
  for (const name of ["pause", "coredns", "busybox"]) await Deno.remove(`${dir}/rootfs-${name}`, { recursive: true });
  return [pause, coredns, busybox];
}

/** Imports a docker-archive into containerd's `k8s.io` namespace, where the kubelet sees it at once. */
export async function importArchive(containerdSocket: string, archive: string): Promise<void> {
  await must("ctr", ["--address", containerdSocket, "-n", "k8s.io", "images", "import", archive]);
}
