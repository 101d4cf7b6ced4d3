/**
 * `deno task dev:cluster`: the tests' control plane (etcd + kube-apiserver) in the foreground, for trying
 * thv by hand. With `--node`, the e2e tier's real single-node cluster instead (pods run), with the thv image
 * and the test images loaded, and `--image <docker-archive.tar>` (repeatable) to load more. Prints one line
 * `KUBECONFIG=<path>` when ready; SIGINT or SIGTERM stops it and removes its files (for `--node` also every
 * change to the host), also when the signal comes while it is still starting.
 * @module
 */
import "./quiet_deprecations.ts";
import { startControlPlane } from "./control_plane.ts";

/** The parsed command line. */
export interface DevClusterArgs {
  /** Run the single-node cluster instead of the control plane only. */
  readonly node: boolean;
  /** More docker-archives to load into the node. */
  readonly images: readonly string[];
}

/** Parses `[--node] [--image <tar>]...`; throws a one-line error on anything else. */
export function parseDevClusterArgs(args: readonly string[]): DevClusterArgs {
  let node = false;
  const images: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--node") node = true;
    else if (arg === "--image" || arg.startsWith("--image=")) {
      const value = arg === "--image" ? args[++i] : arg.slice("--image=".length);
      if (!value) throw new TypeError("--image needs a value: give the path of a docker-archive, --image image.tar");
      images.push(value);
    } else throw new TypeError(`Unknown argument ${arg}: use --node and --image <docker-archive.tar>`);
  }
  if (images.length && !node) {
    throw new TypeError("--image loads images into the node: add --node (the control plane alone runs no pods)");
  }
  return { node, images };
}

if (import.meta.main) {
  let parsed: DevClusterArgs;
  try {
    parsed = parseDevClusterArgs(Deno.args);
  } catch (e) {
    console.error(`dev:cluster: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const { promise: signalled, resolve } = Promise.withResolvers<Deno.Signal>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => resolve(signal));

  if (!parsed.node) {
    const starting = startControlPlane();
    const first = await Promise.race([starting.then(() => undefined), signalled]);
    const cp = await starting;
    if (first === undefined) {
      console.log(`KUBECONFIG=${cp.kubeconfigPath}`);
      console.error(`control plane ready at ${cp.server}; logs in ${cp.dir}; Ctrl-C stops it`);
    }
    console.error(`${await signalled}: stopping the control plane`);
    await cp.stop();
    Deno.exit(0);
  }

  const { startNodeWithTestImages } = await import("./dev_node.ts");
  for (const image of parsed.images) {
    if (!(await Deno.stat(image).then((s) => s.isFile, () => false))) {
      console.error(`dev:cluster: --image ${image} is not a file: give the path of a docker-archive (.tar)`);
      Deno.exit(2);
    }
  }
  const starting = startNodeWithTestImages(parsed.images);
  const first = await Promise.race([starting.then(() => undefined), signalled]);
  let cluster;
  try {
    cluster = await starting;
  } catch (e) {
    console.error(`dev:cluster: ${(e as Error).message}`);
    Deno.exit(1);
  }
  if (first === undefined) {
    console.log(`KUBECONFIG=${cluster.kubeconfigPath}`);
    console.error(
      `node ready in ${
        (cluster.timings.readyMs / 1000).toFixed(1)
      } s at ${cluster.server}; logs in ${cluster.root}/logs; Ctrl-C stops it`,
    );
  }
  console.error(`${await signalled}: stopping the cluster and restoring the host`);
  for (const note of await cluster.stop()) console.error(note);
  Deno.exit(0);
}
