/**
 * `deno task dev:cluster`: the tests' control plane (etcd + kube-apiserver) in the foreground, for trying
 * thv by hand. Prints one line `KUBECONFIG=<path>` when ready; SIGINT or SIGTERM stops it and removes its
 * files, also when the signal comes while it is still starting.
 * @module
 */
import "./quiet_deprecations.ts";
import { startControlPlane } from "./control_plane.ts";

const { promise: signalled, resolve } = Promise.withResolvers<Deno.Signal>();
for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => resolve(signal));

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
