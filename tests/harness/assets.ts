/**
 * Finds the control-plane binaries (kube-apiserver, etcd): `KUBEBUILDER_ASSETS` when set (the envtest
 * convention), otherwise the cache that `scripts/build_control_plane.sh` fills, building it on first use.
 * @module
 */

import { fileURLToPath } from "node:url";

const BINARIES = ["kube-apiserver", "etcd"] as const;

/** Paths of the binaries the control plane runs. */
export interface ControlPlaneAssets {
  /** Path of kube-apiserver. */
  readonly kubeApiserver: string;
  /** Path of etcd. */
  readonly etcd: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function fromDir(dir: string, origin: string): Promise<ControlPlaneAssets> {
  for (const name of BINARIES) {
    if (!(await isExecutable(`${dir}/${name}`))) {
      throw new Error(
        `${origin} has no executable ${name} in ${dir}: point KUBEBUILDER_ASSETS at a folder with kube-apiserver ` +
          "and etcd, or unset it to build them with scripts/build_control_plane.sh",
      );
    }
  }
  return { kubeApiserver: `${dir}/kube-apiserver`, etcd: `${dir}/etcd` };
}

/** Resolves the binaries, building them once (several minutes) when neither source has them. */
export async function controlPlaneAssets(
  env: Readonly<Record<string, string | undefined>> = Deno.env.toObject(),
): Promise<ControlPlaneAssets> {
  if (env.KUBEBUILDER_ASSETS) return fromDir(env.KUBEBUILDER_ASSETS, "KUBEBUILDER_ASSETS");
  const script = fileURLToPath(new URL("../../scripts/build_control_plane.sh", import.meta.url));
  const out = await new Deno.Command("bash", { args: [script], stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) {
    throw new Error("Cannot build the control-plane binaries: see the output of scripts/build_control_plane.sh above");
  }
  const dir = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  return fromDir(dir, "scripts/build_control_plane.sh");
}
