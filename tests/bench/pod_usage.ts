/**
 * What a container of the test cluster costs, read on the node (this machine): its memory and CPU cgroups
 * (cgroup v1, the kubelet's cgroupfs layout `kubepods[/<qos>]/pod<uid>/<container id>`) and `/proc` of the
 * processes in it.
 * @module
 */

const ROOTS = ["kubepods", "kubepods/burstable", "kubepods/besteffort"];

/** Memory of one container, in MiB. */
export interface ContainerMemory {
  /** The cgroup's anonymous memory (memory.stat total_rss): what the processes allocated. */
  readonly cgroupRss: number;
  /** The cgroup's whole charge (memory.usage_in_bytes: anonymous plus page cache). */
  readonly cgroupUsage: number;
  /** The highest charge since the container started (memory.max_usage_in_bytes). */
  readonly cgroupPeak: number;
  /** VmRSS summed over the container's processes (shared pages counted once per process). */
  readonly processRss: number;
  /** VmHWM (peak RSS) of the container's largest process. */
  readonly processPeakRss: number;
}

/** A container found on the node. */
export interface NodeContainer {
  /** The container's cgroup path below the controllers' mount, e.g. `kubepods/besteffort/pod<uid>/<id>`. */
  readonly cgroup: string;
  /** Host PIDs of its processes now. */
  pids(): Promise<number[]>;
  /** Its memory now. */
  memory(): Promise<ContainerMemory>;
  /** CPU time its processes used so far (cpuacct.usage), in microseconds. */
  cpuMicros(): Promise<number>;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const mib = (bytes: number) => bytes / 2 ** 20;

async function statusKiB(pid: number, key: string): Promise<number> {
  const text = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
}

/**
 * The container `container` of `pod` (a v1 Pod as the API server returns it) on this node; throws when the
 * container has no ID yet or its cgroup is not where the kubelet's cgroupfs driver puts it.
 */
// deno-lint-ignore no-explicit-any
export async function nodeContainer(pod: any, container: string): Promise<NodeContainer> {
  // deno-lint-ignore no-explicit-any
  const status = (pod.status?.containerStatuses ?? []).find((s: any) => s.name === container);
  const id = String(status?.containerID ?? "").replace(/^containerd:\/\//, "");
  if (!id) throw new Error(`Pod ${pod.metadata?.name} has no running container ${container} yet`);
  const uid = pod.metadata.uid;
  let cgroup: string | undefined;
  for (const root of ROOTS) {
    if (await exists(`/sys/fs/cgroup/memory/${root}/pod${uid}/${id}`)) cgroup = `${root}/pod${uid}/${id}`;
  }
  if (!cgroup) throw new Error(`No memory cgroup for container ${container} of pod ${pod.metadata.name} (${id})`);
  const memoryDir = `/sys/fs/cgroup/memory/${cgroup}`;
  const read = (file: string) => Deno.readTextFile(`${memoryDir}/${file}`);
  const pids = async () => (await read("cgroup.procs")).split("\n").filter((l) => l.trim()).map(Number);
  return {
    cgroup,
    pids,
    async memory() {
      const stat = await read("memory.stat");
      const field = (key: string) => Number(new RegExp(`^${key} (\\d+)$`, "m").exec(stat)?.[1] ?? 0);
      let rss = 0, peak = 0;
      for (const pid of await pids()) {
        rss += await statusKiB(pid, "VmRSS");
        peak = Math.max(peak, await statusKiB(pid, "VmHWM"));
      }
      return {
        cgroupRss: mib(field("total_rss")),
        cgroupUsage: mib(Number(await read("memory.usage_in_bytes"))),
        cgroupPeak: mib(Number(await read("memory.max_usage_in_bytes"))),
        processRss: rss / 1024,
        processPeakRss: peak / 1024,
      };
    },
    async cpuMicros() {
      return Number(await Deno.readTextFile(`/sys/fs/cgroup/cpuacct/${cgroup}/cpuacct.usage`)) / 1000;
    },
  };
}

/** Clock ticks per second of `/proc/<pid>/stat` times. */
const CLOCK_TICKS = Number(
  new TextDecoder().decode((await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output()).stdout).trim(),
) || 100;

/** CPU time (user + system) process `pid` used so far, in microseconds (0 once it is gone). */
export async function processCpuMicros(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
}

/** The parent of process `pid` (0 when it is gone). */
export async function parentPid(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  return stat ? Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) : 0;
}
