/**
 * The objects of one namespace through kubectl, for control-plane tests: run, read as JSON, wait for one to
 * appear (and satisfy a check) or to go, each wait with a deadline.
 * @module
 */
import type { ControlPlane } from "./control_plane.ts";
import { kubectl } from "./kubectl.ts";
import { poll } from "./poll.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** kubectl against `cp`, scoped to `namespace` for reads and waits. */
export function namespaceObjects(cp: ControlPlane, namespace: string) {
  const get = async (kind: string, name: string): Promise<Json | undefined> => {
    const res = await kubectl(cp.kubeconfigPath, ["get", kind, name, "-n", namespace, "-o", "json"]);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  };
  return {
    /** Runs kubectl; throws with its stderr when it fails. */
    async run(args: string[], stdin?: string): Promise<string> {
      const res = await kubectl(cp.kubeconfigPath, args, stdin);
      if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${res.stderr}`);
      return res.stdout;
    },
    /** The object as JSON; undefined when it does not exist. */
    get,
    /** Waits until the object exists and `check` holds; returns it. */
    eventually(kind: string, name: string, check: (o: Json) => boolean = () => true): Promise<Json> {
      return poll(async () => {
        const o = await get(kind, name);
        return o && check(o) ? o : undefined;
      }, { what: `${kind} ${namespace}/${name}`, deadlineMs: 20_000, intervalMs: 150 });
    },
    /** Waits until the object is gone. */
    gone(kind: string, name: string): Promise<true> {
      return poll(async () => (await get(kind, name)) === undefined || undefined, {
        what: `${kind} ${namespace}/${name} deleted`,
        deadlineMs: 20_000,
        intervalMs: 150,
      });
    },
  };
}
