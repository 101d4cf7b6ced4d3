/**
 * The audit flags of `thv run` and `thv proxy` (ToolHive's names): `--enable-audit` audits with the default
 * config, `--audit-config <file>` with a config file (ToolHive's `pkg/audit` JSON), read when the proxy
 * starts. They become RunConfig `audit_config` / `audit_config_path`, which lib/audit enforces (docs/auth.md).
 * @module
 */
import { type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import type { RunConfig } from "../../lib/run_config.ts";

/** What the audit flags parse into. */
export interface AuditFlags {
  readonly enableAudit?: boolean;
  readonly auditConfig?: string;
}

/** Adds the audit flags to `command`. */
export function withAuditFlags<T extends CommandUnknownOpts>(command: T): T {
  command.addOption(new Option("--enable-audit", "audit every MCP operation to the log (ToolHive's default config)"));
  command.addOption(
    new Option(
      "--audit-config <file>",
      "audit with this JSON config (eventTypes, excludeEventTypes, includeRequestData, maxDataSize, logFile...)",
    ),
  );
  return command;
}

/**
 * The RunConfig fields the flags ask for; the config file is checked now (and named by its absolute path,
 * since the proxy may start elsewhere). Throws a TypeError naming the file and the bad field.
 */
export async function auditConfigOf(flags: AuditFlags, cwd = Deno.cwd()): Promise<Partial<RunConfig>> {
  const fields: Partial<RunConfig> = {};
  if (flags.enableAudit) fields.audit_config = { enabled: true };
  if (flags.auditConfig) {
    const path = resolve(cwd, flags.auditConfig);
    const { lazyImport } = await import("../../lib/lazy_import.ts");
    const { parseAuditConfigFile } = await lazyImport<typeof import("../../lib/audit/mod.ts")>(
      new URL("../../lib/audit/mod.ts", import.meta.url),
    );
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      throw new TypeError(`--audit-config ${flags.auditConfig}: ${(e as Error).message}: give a readable file`, {
        cause: e,
      });
    }
    parseAuditConfigFile(text, `--audit-config ${flags.auditConfig}`);
    fields.audit_config_path = path;
  }
  return fields;
}

/** The flags given before `thv proxy stdio` and after it; those after it win. */
export function mergedAuditFlags(parent: AuditFlags, own: AuditFlags): AuditFlags {
  return {
    ...(parent.enableAudit || own.enableAudit ? { enableAudit: true } : {}),
    ...(own.auditConfig ?? parent.auditConfig ? { auditConfig: own.auditConfig ?? parent.auditConfig } : {}),
  };
}
