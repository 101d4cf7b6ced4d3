/**
 * Text output of `thv registry list|info` and `thv search`: an aligned table of servers, and labelled lines
 * for one server.
 * @module
 */
import type { Permissions, RegistryEntry } from "../../lib/registry/mod.ts";

/** Widest line the table and the info lines are made to fit. */
export const LINE_WIDTH = 120;

const ELLIPSIS = "...";

/** Cuts `text` to `width` characters, ending in `...` when it had to be cut. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= ELLIPSIS.length ? text.slice(0, width) : text.slice(0, width - ELLIPSIS.length) + ELLIPSIS;
}

/**
 * An aligned table: NAME (as `nameOf` gives it), TYPE, TRANSPORT, TIER, DESCRIPTION, one row per entry;
 * descriptions are cut to fit `LINE_WIDTH`.
 */
export function formatServerTable(
  entries: readonly RegistryEntry[],
  nameOf: (entry: RegistryEntry) => string,
): string[] {
  const rows = entries.map((e) => [nameOf(e), e.kind, e.transport, e.tier ?? "-", e.description]);
  const header = ["NAME", "TYPE", "TRANSPORT", "TIER", "DESCRIPTION"];
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const descriptionWidth = Math.max(20, LINE_WIDTH - used);
  return [header, ...rows].map((row) =>
    row.map((cell, i) => i < widths.length ? cell.padEnd(widths[i]!) : truncate(cell, descriptionWidth))
      .join("  ").trimEnd()
  );
}

/** The network rule of a profile in words. */
function networkLine(p: Permissions): string {
  const out = p.network?.outbound;
  if (out?.insecure_allow_all) return "all outbound";
  const hosts = out?.allow_host ?? [];
  const ports = out?.allow_port ?? [];
  if (!hosts.length && !ports.length) return "none";
  const to = hosts.length ? `outbound to ${hosts.join(", ")}` : "outbound";
  return ports.length ? `${to} on port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}` : to;
}

/** A permission profile in words: network, then file access, then privilege. */
export function describePermissions(p: Permissions, source: "registry" | "default"): string[] {
  const lines = [`network: ${networkLine(p)}`];
  if (p.read?.length) lines.push(`read: ${p.read.join(", ")}`);
  if (p.write?.length) lines.push(`write: ${p.write.join(", ")}`);
  if (p.privileged) lines.push("privileged: yes");
  if (p.name) lines[0] += ` (profile ${p.name})`;
  if (source === "default") lines.push("(the entry declares none: this is the default profile)");
  return lines;
}

/** Wraps a comma-separated list into lines no wider than `width`. */
function wrapList(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length + 1 > width) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Everything about one server as `label: value` lines; secrets are marked, never shown. */
export function formatServerInfo(entry: RegistryEntry): string[] {
  const label = (l: string) => `${l}:`.padEnd(14);
  const valueWidth = LINE_WIDTH - 14;
  const rows: Array<[string, string[]]> = [
    ["name", [entry.name]],
    ["short name", [entry.shortName]],
    ["title", entry.title ? [entry.title] : []],
    ["description", [entry.description]],
    ["version", [entry.version]],
    ["tier", entry.tier ? [entry.tier] : []],
    ["status", [entry.status]],
    ["type", [entry.kind]],
    ["run", [entry.reference]],
    ["transport", [entry.transport]],
    ["target port", entry.targetPort ? [String(entry.targetPort)] : []],
    ["proxy port", entry.proxyPort ? [String(entry.proxyPort)] : []],
    ["repository", entry.repositoryUrl ? [entry.repositoryUrl] : []],
    ["args", entry.args.length ? [entry.args.join(" ")] : []],
    [
      "arguments",
      entry.argumentSpecs.filter((a) => a.value === undefined).map((a) => {
        const flags = [
          a.required ? "required" : "",
          a.repeated ? "repeatable" : "",
          a.format === "filepath" ? "path" : "",
        ]
          .filter(Boolean);
        const name = a.type === "named" ? `${a.name} <value>` : `<${a.name}>`;
        return `${name}${flags.length ? ` (${flags.join(", ")})` : ""}${a.description ? `: ${a.description}` : ""}`;
      }),
    ],
    [
      "env",
      entry.env.map((v) => {
        const flags = [
          v.required ? "required" : "",
          v.secret ? "secret" : "",
          v.default !== undefined ? `default ${v.secret ? "set" : JSON.stringify(v.default)}` : "",
        ].filter(Boolean);
        return `${v.name}${flags.length ? ` (${flags.join(", ")})` : ""}${v.description ? `: ${v.description}` : ""}`;
      }),
    ],
    ["permissions", describePermissions(entry.permissions, entry.permissionSource)],
    ["tools", wrapList(entry.tools, valueWidth)],
    ["tags", wrapList(entry.tags, valueWidth)],
  ];
  return rows.flatMap(([l, values]) => values.map((v, i) => `${i === 0 ? label(l) : " ".repeat(14)}${v}`));
}
