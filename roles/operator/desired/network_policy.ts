/**
 * The NetworkPolicy `mcp-<name>-network` that enforces an MCPServer's permission profile on its MCP pod
 * (decision 016): `none` allows no egress at all (not even DNS), `network` every egress, a custom profile's
 * `network.outbound` IP and CIDR `allow_host` entries on its `allow_port` ports. Ingress is only from the
 * server's proxy pods on the MCP port, and none for stdio (attach goes through the kubelet). What a
 * NetworkPolicy cannot express (host names, inbound hosts) refuses the server instead. Pure.
 * @module
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";
import type { z } from "zod";
import { PermissionProfile } from "../../../lib/run_config.ts";
import { childNames, effectivePorts, labelsFor, ownerReference } from "./names.ts";

/** The label every proxy pod carries and no MCP pod may (the runner's side of the contract, decision 016). */
const PROXY_POD_LABEL = "app.kubernetes.io/name";

/** A NetworkPolicy peer, as JSON (the client library's type renames `from`). */
export interface PolicyPeer {
  /** Pods of the policy's namespace. */
  readonly podSelector?: { readonly matchLabels: Record<string, string> };
  /** Addresses. */
  readonly ipBlock?: { readonly cidr: string };
}

/** A port of a NetworkPolicy rule. */
export interface PolicyPort {
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
  /** Port number. */
  readonly port: number;
}

/** An egress rule: to these peers on these ports (absent: any). */
export interface EgressRule {
  /** Destinations. */
  readonly to?: readonly PolicyPeer[];
  /** Ports. */
  readonly ports?: readonly PolicyPort[];
}

/** A networking.k8s.io/v1 NetworkPolicy, as JSON. */
export interface NetworkPolicy {
  /** networking.k8s.io/v1. */
  readonly apiVersion: "networking.k8s.io/v1";
  /** NetworkPolicy. */
  readonly kind: "NetworkPolicy";
  /** Name, namespace, labels, owner. */
  readonly metadata: V1ObjectMeta;
  /** The pods it selects and what they may send and receive. */
  readonly spec: {
    readonly podSelector: ReturnType<typeof mcpPodSelector>;
    readonly policyTypes: readonly string[];
    readonly ingress: ReadonlyArray<{ readonly from?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }>;
    readonly egress: readonly EgressRule[];
  };
}

/** What the MCP pod may reach: every destination, or only these rules (none: no egress at all). */
export type Egress = { readonly all: true } | { readonly all: false; readonly rules: EgressRule[] };

/** The network a permission profile allows, or why it cannot be enforced (naming the field and what to do). */
export type ProfileNetwork =
  | { readonly ok: true; readonly egress: Egress }
  | { readonly ok: false; readonly reason: string; readonly message: string };

/** Labels the NetworkPolicy selects on: a pod patch that sets one could move the MCP pod out of it. */
const SELECTOR_KEYS = ["app", "toolhive-name", PROXY_POD_LABEL] as const;

const NONE: ProfileNetwork = { ok: true, egress: { all: false, rules: [] } };
const ALL: ProfileNetwork = { ok: true, egress: { all: true } };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** An IPv4 or IPv6 address or CIDR block as a CIDR block (host bits cleared), or undefined for anything else. */
export function cidrOf(entry: string): string | undefined {
  const v4 = IPV4.exec(entry);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const bits = v4[5] === undefined ? 32 : Number(v4[5]);
    // A leading zero reads as octal to some resolvers: ambiguous, so not accepted.
    if (octets.some((o) => o > 255) || v4.slice(1, 5).some((o) => /^0\d/.test(o!)) || bits > 32) return undefined;
    const value = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - bits);
    const base = value - (value % size);
    const out = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".");
    return `${out}/${bits}`;
  }
  const m = /^\[?([0-9a-fA-F:.]+)\]?(?:\/(\d{1,3}))?$/.exec(entry);
  if (!m || !m[1]!.includes(":") || !URL.canParse(`http://[${m[1]}]/`)) return undefined;
  const bits = m[2] === undefined ? 128 : Number(m[2]);
  if (bits > 128) return undefined;
  const hextets = expandIpv6(new URL(`http://[${m[1]}]/`).hostname.slice(1, -1));
  let left = bits;
  const masked = hextets.map((h) => {
    const keep = Math.max(0, Math.min(16, left));
    left -= 16;
    return keep === 0 ? 0 : h - (h % 2 ** (16 - keep));
  });
  return `${compressIpv6(masked)}/${bits}`;
}

function expandIpv6(text: string): number[] {
  const [head, tail] = text.includes("::") ? text.split("::") as [string, string] : [text, undefined];
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((h) => parseInt(h, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
}

function compressIpv6(hextets: number[]): string {
  // The longest run of two or more zero groups becomes "::" (the canonical form, RFC 5952).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** The network of a parsed profile's `network` section. */
export function networkOfProfile(profile: z.infer<typeof PermissionProfile>, source: string): ProfileNetwork {
  const refuse = (reason: string, message: string): ProfileNetwork => ({ ok: false, reason, message });
  const network = profile.network;
  if (network?.inbound?.allow_host?.length) {
    return refuse(
      "NetworkRestrictionNotExpressible",
      `spec.permissionProfile: ${source}: network.inbound.allow_host cannot be enforced in a cluster (clients ` +
        "reach the MCP pod only through its proxy, so no proxy runs): remove network.inbound.allow_host",
    );
  }
  const outbound = network?.outbound;
  if (outbound?.insecure_allow_all) return ALL;
  const hosts = outbound?.allow_host ?? [];
  const ports = outbound?.allow_port ?? [];
  const names = hosts.filter((h) => cidrOf(h) === undefined);
  if (names.length > 0) {
    return refuse(
      "NetworkRestrictionNotExpressible",
      `spec.permissionProfile: ${source}: network.outbound.allow_host ${JSON.stringify(names)} are host names, ` +
        "which a NetworkPolicy cannot express, so no proxy runs: list IP addresses or CIDR blocks instead, " +
        "or set network.outbound.insecure_allow_all",
    );
  }
  if (ports.length > 0 && hosts.length === 0) {
    return refuse(
      "NetworkRestrictionNotExpressible",
      `spec.permissionProfile: ${source}: network.outbound.allow_port ${JSON.stringify(ports)} has no ` +
        "allow_host, so no proxy runs: list the IP addresses or CIDR blocks the ports are for",
    );
  }
  if (hosts.length === 0) return NONE;
  const to: PolicyPeer[] = [...new Set(hosts.map((h) => cidrOf(h)!))].sort()
    .map((cidr) => ({ ipBlock: { cidr } }));
  const rule: EgressRule = {
    to,
    ...(ports.length
      ? { ports: [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: "TCP", port })) }
      : {}),
  };
  return { ok: true, egress: { all: false, rules: [rule] } };
}

/**
 * The network `server`'s permission profile allows; undefined without a profile (no policy, as in ToolHive).
 * `profileJson` is the text of a `configmap` profile; while it is missing the profile allows nothing.
 */
export function profileNetwork(server: McpServer, profileJson: string | undefined): ProfileNetwork | undefined {
  const profile = server.spec.permissionProfile;
  if (!profile) return undefined;
  const labels = (server.spec.podTemplateSpec as { metadata?: { labels?: Record<string, unknown> } } | undefined)
    ?.metadata?.labels ?? {};
  const selecting = SELECTOR_KEYS.filter((k) => k in labels);
  if (selecting.length > 0) {
    return {
      ok: false,
      reason: "NetworkPolicyLabelConflict",
      message: `spec.podTemplateSpec.metadata.labels ${JSON.stringify(selecting)} would take the MCP pod out of ` +
        "the NetworkPolicy that enforces spec.permissionProfile, so no proxy runs: remove those labels",
    };
  }
  if (profile.type === "builtin") {
    if (profile.name === "none") return NONE;
    if (profile.name === "network") return ALL;
    return {
      ok: false,
      reason: "PermissionProfileInvalid",
      message: `spec.permissionProfile builtin ${JSON.stringify(profile.name)} is not a builtin profile, so no ` +
        "proxy runs: use none or network, or type configmap",
    };
  }
  if (profileJson === undefined) return NONE;
  const source = `ConfigMap ${profile.name} key ${profile.key ?? "profile.json"}`;
  let data: unknown;
  try {
    data = JSON.parse(profileJson);
  } catch (e) {
    return {
      ok: false,
      reason: "PermissionProfileInvalid",
      message: `spec.permissionProfile: ${source} is not JSON (${(e as Error).message}): fix it`,
    };
  }
  const parsed = PermissionProfile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      reason: "PermissionProfileInvalid",
      message: `spec.permissionProfile: ${source}: field ${issue.path.join(".") || "(root)"}: ${issue.message}: fix it`,
    };
  }
  return networkOfProfile(parsed.data, source);
}

/** The labels that select the MCP pod of `name` (the StatefulSet's pods, decision 016). */
export function mcpPodSelector(name: string) {
  return {
    matchLabels: { app: name, "toolhive-name": name },
    // A server named `mcpserver` would otherwise select its proxy pods too (their `app` is `mcpserver`).
    matchExpressions: [{ key: PROXY_POD_LABEL, operator: "NotIn", values: ["mcpserver"] }],
  };
}

/** The NetworkPolicy `mcp-<name>-network` for `server`'s MCP pod, allowing `egress`. */
export function desiredNetworkPolicy(server: McpServer, egress: Egress): NetworkPolicy {
  const { metadata, spec } = server;
  const name = metadata.name;
  const { mcpPort } = effectivePorts(server);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: childNames(name).networkPolicy,
      namespace: metadata.namespace,
      labels: labelsFor(name),
      ownerReferences: [ownerReference(server)],
    },
    spec: {
      podSelector: mcpPodSelector(name),
      policyTypes: ["Ingress", "Egress"],
      ingress: spec.transport === "stdio"
        ? []
        : [{ from: [{ podSelector: { matchLabels: labelsFor(name) } }], ports: [{ protocol: "TCP", port: mcpPort }] }],
      egress: egress.all ? [{}] : egress.rules,
    },
  };
}
