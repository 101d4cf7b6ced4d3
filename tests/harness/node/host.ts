/**
 * The host state a test cluster changes (real-node.md, "Host changes"), saved before it starts and put back
 * after it stops: sysctls the kubelet and the bridge plugin rewrite, the node address on `lo`, a guard that
 * keeps pod traffic on this machine, the chains and ipsets of the kubelet, kube-proxy and kube-router, the
 * `cni0` bridge, mounts, cgroups and hard-coded host paths. {@linkcode hostLeftovers} lists what is left.
 * @module
 */
import { CLUSTER_CIDR, type ClusterPaths, CNI_NETWORK, NODE_IP, SERVICE_CIDR } from "./config.ts";

/** Sysctls the kubelet (protectKernelDefaults off), the bridge CNI plugin or kube-proxy may rewrite. */
export const SYSCTLS = [
  "net.ipv4.ip_forward",
  "vm.overcommit_memory",
  "kernel.panic",
  "kernel.panic_on_oops",
  "vm.panic_on_oom",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
  "net.bridge.bridge-nf-call-iptables",
  "net.bridge.bridge-nf-call-ip6tables",
  "net.ipv4.conf.all.route_localnet",
  "net.netfilter.nf_conntrack_max",
] as const;

/** Paths containerd 1.6 and the kubelet create outside the cluster's folder whatever their configuration says. */
export const HOST_PATHS = [
  "/run/containerd",
  "/var/lib/kubelet",
  "/var/log/pods",
  "/var/log/containers",
  "/usr/libexec/kubernetes",
] as const;

/** The chain that drops forwarded pod traffic to anything outside the pod range. */
export const EGRESS_CHAIN = "THV-NODE-EGRESS";
/** The chain that refuses the host's own packets to a cluster address that no rule rewrote or routes locally. */
export const HOST_GUARD_CHAIN = "THV-NODE-HOST";

/** What the host looked like before the cluster started, saved in the cluster's `run/` folder. */
export interface SavedHostState {
  /** Sysctl name → value. */
  readonly sysctls: Record<string, string>;
  /** The entries of {@linkcode HOST_PATHS} that existed already. */
  readonly preexistingPaths: string[];
}

const dec = new TextDecoder();

/** Runs a command; resolves with its output and exit code, never rejects on a non-zero exit. */
export async function sh(cmd: string, args: readonly string[]): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    const o = await new Deno.Command(cmd, { args: [...args], stdout: "piped", stderr: "piped" }).output();
    return { ok: o.success, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
  } catch (e) {
    return { ok: false, out: "", err: `cannot run ${cmd}: ${(e as Error).message}` };
  }
}

/** Like {@linkcode sh}, but a failure throws with the command and its stderr. */
export async function must(cmd: string, args: readonly string[]): Promise<string> {
  const r = await sh(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.err.trim()}`);
  return r.out;
}

const sysctlPath = (name: string) => `/proc/sys/${name.replaceAll(".", "/")}`;

async function readSysctl(name: string): Promise<string | undefined> {
  return (await Deno.readTextFile(sysctlPath(name)).catch(() => undefined))?.trim();
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

/** The entry names of a folder; none when it does not exist. */
async function names(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return [];
  }
}

/** Records sysctls and host paths into `run/host.json`, unless a record is there already (a restart). */
export async function saveHostState(p: ClusterPaths): Promise<SavedHostState> {
  const file = `${p.run}/host.json`;
  const previous = await Deno.readTextFile(file).then((t) => JSON.parse(t) as SavedHostState, () => undefined);
  if (previous) return previous;
  const sysctls: Record<string, string> = {};
  for (const name of SYSCTLS) {
    const value = await readSysctl(name);
    if (value !== undefined) sysctls[name] = value;
  }
  const preexistingPaths: string[] = [];
  for (const path of HOST_PATHS) if (await exists(path)) preexistingPaths.push(path);
  const state = { sysctls, preexistingPaths };
  await Deno.writeTextFile(file, JSON.stringify(state, null, 2));
  return state;
}

/** Reads what {@linkcode saveHostState} recorded. */
export function readHostState(p: ClusterPaths): Promise<SavedHostState | undefined> {
  return Deno.readTextFile(`${p.run}/host.json`).then((t) => JSON.parse(t) as SavedHostState, () => undefined);
}

async function loAddresses(): Promise<string> {
  return (await sh("ip", ["-4", "-o", "addr", "show", "dev", "lo"])).out;
}

const hasNodeAddress = async () => (await loAddresses()).includes(` ${NODE_IP}/32 `);

/** Adds the node address to `lo`. */
export async function addNodeAddress(): Promise<void> {
  if (!(await hasNodeAddress())) await must("ip", ["addr", "add", `${NODE_IP}/32`, "dev", "lo"]);
}

/**
 * Drops forwarded packets from pods to anything outside the pod range, so no pod reaches another machine
 * (ClusterIPs are rewritten to pod IPs before FORWARD; the node address is local, so INPUT).
 */
export async function addEgressGuard(): Promise<void> {
  if (!(await sh("iptables", ["-t", "filter", "-S", EGRESS_CHAIN])).ok) {
    await must("iptables", ["-t", "filter", "-N", EGRESS_CHAIN]);
    await must("iptables", ["-t", "filter", "-A", EGRESS_CHAIN, "-d", CLUSTER_CIDR, "-j", "RETURN"]);
    await must("iptables", ["-t", "filter", "-A", EGRESS_CHAIN, "-j", "DROP"]);
  }
  const jump = ["FORWARD", "-s", CLUSTER_CIDR, "-j", EGRESS_CHAIN];
  if (!(await sh("iptables", ["-t", "filter", "-C", ...jump])).ok) {
    await must("iptables", ["-t", "filter", "-I", ...jump]);
  }
}

/**
 * Refuses the host's packets to the Service range that kube-proxy has not rewritten (yet), and to pod addresses
 * not on `cni0`: without it they follow the default route off the machine (a client on the host racing
 * kube-proxy, or a stale ClusterIP). filter OUTPUT sees packets after nat OUTPUT, so rewritten ones pass.
 */
export async function addHostGuard(): Promise<void> {
  if (!(await sh("iptables", ["-t", "filter", "-S", HOST_GUARD_CHAIN])).ok) {
    await must("iptables", ["-t", "filter", "-N", HOST_GUARD_CHAIN]);
    for (const cidr of [SERVICE_CIDR, CLUSTER_CIDR]) {
      await must("iptables", ["-t", "filter", "-A", HOST_GUARD_CHAIN, "-d", cidr, "!", "-o", "cni0", "-j", "REJECT"]);
    }
  }
  const jump = ["OUTPUT", "-j", HOST_GUARD_CHAIN];
  if (!(await sh("iptables", ["-t", "filter", "-C", ...jump])).ok) {
    await must("iptables", ["-t", "filter", "-I", ...jump]);
  }
}

const ourChain = (chain: string) => chain.startsWith("KUBE-") || chain.startsWith("THV-NODE-");

/** Chains of ours (KUBE-*, THV-NODE-*) in the v4 and v6 mangle, nat and filter tables: `<iptables> <table> <chain>`. */
async function ourChains(): Promise<{ ipt: string; table: string; chain: string }[]> {
  const found: { ipt: string; table: string; chain: string }[] = [];
  for (const ipt of ["iptables", "ip6tables"]) {
    for (const table of ["mangle", "nat", "filter"]) {
      const rules = (await sh(ipt, ["-t", table, "-S"])).out.split("\n");
      for (const rule of rules) {
        const m = rule.match(/^-N (\S+)$/);
        if (m && ourChain(m[1]!)) found.push({ ipt, table, chain: m[1]! });
      }
    }
  }
  return found;
}

/** Removes the jumps from built-in chains to ours, then our chains (`-X` fails while a jump is left). */
async function removeChains(): Promise<void> {
  for (const ipt of ["iptables", "ip6tables"]) {
    for (const table of ["mangle", "nat", "filter"]) {
      const rules = (await sh(ipt, ["-t", table, "-S"])).out.split("\n");
      for (const rule of rules) {
        const m = rule.match(/^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) (.*)-j (\S+)\s*$/);
        if (!m || !ourChain(m[3]!)) continue;
        // iptables -S quotes comments; split the rule like a shell would.
        const words = [...rule.slice(3).matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((w) => w[1] ?? w[2]!);
        await sh(ipt, ["-t", table, "-D", ...words]);
      }
    }
  }
  for (const { ipt, table, chain } of await ourChains()) await sh(ipt, ["-t", table, "-F", chain]);
  for (const { ipt, table, chain } of await ourChains()) await sh(ipt, ["-t", table, "-X", chain]);
}

/** ipsets kube-router makes. */
async function ourIpsets(): Promise<string[]> {
  const r = await sh("ipset", ["list", "-n"]);
  return r.out.split("\n").filter((n) => /^(KUBE-|kube-router-|inet6:KUBE-|inet6:kube-router-)/.test(n));
}

/** Mount points at or under `prefix`, deepest first. */
async function mountsUnder(prefix: string): Promise<string[]> {
  const info = await Deno.readTextFile("/proc/self/mountinfo");
  const points = info.split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) =>
    m === prefix || m.startsWith(`${prefix}/`)
  );
  return [...new Set(points)].sort().reverse();
}

/** Unmounts everything under `prefix` (lazily when a plain unmount fails). */
export async function unmountUnder(prefix: string): Promise<void> {
  for (const point of await mountsUnder(prefix)) {
    if (!(await sh("umount", [point])).ok) await sh("umount", ["-l", point]);
  }
}

async function kubepodsCgroups(): Promise<string[]> {
  const found: string[] = [];
  for (const controller of await names("/sys/fs/cgroup")) {
    for (const name of ["kubepods", "k8s.io"]) {
      const dir = `/sys/fs/cgroup/${controller.name}/${name}`;
      if (await exists(dir)) found.push(dir);
    }
  }
  return found;
}

/** Removes a cgroup folder tree depth-first (cgroup folders only go with rmdir). */
async function removeCgroupTree(dir: string): Promise<void> {
  for (const e of await names(dir)) {
    if (e.isDirectory) await removeCgroupTree(`${dir}/${e.name}`);
  }
  await Deno.remove(dir).catch(() => {});
}

/** Whether Podman has containers on its bridge (then ip_forward stays on: they need it). */
async function podmanBridgeInUse(): Promise<boolean> {
  return (await names("/sys/class/net/cni-podman0/brif")).length > 0;
}

/** Puts the host back: network, firewall, mounts, sysctls, cgroups and paths (processes must be gone). */
export async function restoreHost(p: ClusterPaths, saved: SavedHostState | undefined): Promise<string[]> {
  const notes: string[] = [];
  await unmountUnder(p.root);
  if (await exists("/sys/class/net/cni0")) await sh("ip", ["link", "del", "cni0"]);
  if (await hasNodeAddress()) await sh("ip", ["addr", "del", `${NODE_IP}/32`, "dev", "lo"]);
  await removeChains();
  for (const set of await ourIpsets()) await sh("ipset", ["destroy", set]);
  await sh("conntrack", ["-D", "-s", CLUSTER_CIDR]);
  await sh("conntrack", ["-D", "-d", SERVICE_CIDR]);
  for (const [name, value] of Object.entries(saved?.sysctls ?? {})) {
    if ((await readSysctl(name)) === value) continue;
    if (name === "net.ipv4.ip_forward" && await podmanBridgeInUse()) {
      notes.push("net.ipv4.ip_forward stays 1: Podman has containers on cni-podman0");
      continue;
    }
    await Deno.writeTextFile(sysctlPath(name), value).catch((e) => notes.push(`cannot restore ${name}: ${e}`));
  }
  for (const dir of await kubepodsCgroups()) await removeCgroupTree(dir);
  for (const path of HOST_PATHS) {
    if (saved && !saved.preexistingPaths.includes(path)) await Deno.remove(path, { recursive: true }).catch(() => {});
  }
  // libcni's cache is shared with Podman: remove only the entries of our network's sandboxes.
  const results = "/var/lib/cni/results";
  const ids = new Set<string>();
  for (const e of await names(results)) {
    const m = e.name.match(new RegExp(`^${CNI_NETWORK}-(.+)-eth0$`));
    if (m) ids.add(m[1]!);
  }
  for (const id of ids) {
    await Deno.remove(`${results}/${CNI_NETWORK}-${id}-eth0`).catch(() => {});
    await Deno.remove(`${results}/cni-loopback-${id}-lo`).catch(() => {});
  }
  return notes;
}

/** Processes whose command line mentions `marker` (the cluster's folder or its binaries' folder). */
export async function processesMentioning(marker: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    const raw = await Deno.readFile(`/proc/${e.name}/cmdline`).catch(() => undefined);
    if (!raw?.length) continue;
    const cmdline = dec.decode(raw).replaceAll("\0", " ").trim();
    if (cmdline.includes(marker)) found.push({ pid: Number(e.name), cmdline });
  }
  return found;
}

/** Where to look for a cluster's processes and mounts. */
export interface ClusterMarkers {
  /** Folders: a process whose command line names one, or a mount under one, is the cluster's. */
  readonly folders: readonly string[];
  /** The node binaries' folder: a process whose program is in it is the cluster's. */
  readonly binaryDir?: string;
}

/**
 * What of a cluster is still on the machine: its processes and mounts (see {@linkcode ClusterMarkers}), our
 * iptables chains and ipsets, the node address, `cni0`, kubepods cgroups, and sysctls that differ from
 * `saved`. Empty means clean.
 */
export async function hostLeftovers(markers: ClusterMarkers, saved?: SavedHostState): Promise<string[]> {
  const left: string[] = [];
  const seen = new Set<number>();
  const report = (proc: { pid: number; cmdline: string }) => {
    if (seen.has(proc.pid)) return;
    seen.add(proc.pid);
    left.push(`process ${proc.pid}: ${proc.cmdline.slice(0, 160)}`);
  };
  for (const folder of markers.folders) {
    for (const proc of await processesMentioning(folder)) report(proc);
    for (const point of await mountsUnder(folder)) left.push(`mount ${point}`);
  }
  if (markers.binaryDir) {
    // The program itself, not a mention: a build writing into the folder is not a cluster.
    for (const proc of await processesMentioning(`${markers.binaryDir}/`)) {
      const argv0 = proc.cmdline.split(" ")[0]!;
      const program = argv0 === "setsid" ? proc.cmdline.split(" ")[1]! : argv0;
      if (program.startsWith(`${markers.binaryDir}/`) && !program.endsWith(".tmp")) report(proc);
    }
  }
  for (const c of await ourChains()) left.push(`${c.ipt} -t ${c.table} chain ${c.chain}`);
  for (const set of await ourIpsets()) left.push(`ipset ${set}`);
  if (await hasNodeAddress()) left.push(`address ${NODE_IP}/32 on lo`);
  if (await exists("/sys/class/net/cni0")) left.push("link cni0");
  for (const dir of await kubepodsCgroups()) left.push(`cgroup ${dir}`);
  for (const [name, value] of Object.entries(saved?.sysctls ?? {})) {
    const now = await readSysctl(name);
    if (now === value) continue;
    // Podman's bridge plugin turns forwarding on for each container it starts: with its bridge present, a 1
    // here may be Podman's, not ours.
    if (name === "net.ipv4.ip_forward" && now === "1" && await exists("/sys/class/net/cni-podman0")) continue;
    left.push(`sysctl ${name}=${now} (was ${value})`);
  }
  return left;
}
