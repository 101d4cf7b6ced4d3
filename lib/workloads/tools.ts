/**
 * The tools a local workload's proxy shows and lets through, as a user gives them: `--tools a,b` (the
 * names clients see) and `--tools-override <file>` (ToolHive's file: `{"toolsOverride": {"<tool>":
 * {"name", "description"}}}`), or the API's `tools` and `tools_override`. Checked as the proxy will apply
 * them, so a bad combination is refused before anything starts.
 * @module
 */
import { z } from "zod";
import type { RunConfig } from "../run_config.ts";
import { ToolFilter, type ToolOverride } from "../transport/mod.ts";

export type { ToolOverride };

/** The RunConfig fields of the tool settings. */
export type ToolFields = Pick<RunConfig, "tools_filter" | "tools_override">;

const Override = z.strictObject({ name: z.string().min(1).optional(), description: z.string().optional() });
const OverrideFile = z.object({ toolsOverride: z.record(z.string().min(1), Override) });

/** Parses the text of a `--tools-override` file; `source` names it in the one-line error. */
export function parseToolsOverrideFile(text: string, source: string): Record<string, ToolOverride> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`--tools-override ${source} is not JSON: ${(e as Error).message}`);
  }
  const parsed = OverrideFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new RangeError(
      `--tools-override ${source}: ${at}: ${issue.message}; the file is {"toolsOverride": {"<tool>": {"name", "description"}}}`,
    );
  }
  return parsed.data.toolsOverride;
}

/** Reads a `--tools-override` file. */
export async function readToolsOverrideFile(path: string): Promise<Record<string, ToolOverride>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new RangeError(`Cannot read --tools-override ${path}: ${(e as Error).message}`);
  }
  return parseToolsOverrideFile(text, path);
}

/**
 * The RunConfig fields of a filter and an override, checked as the proxy applies them (a RangeError, one
 * line, for two tools given one name or a filter naming a tool renamed away). Empty ones are left out.
 */
export function toolFields(
  filter: readonly string[] | undefined,
  override: Readonly<Record<string, ToolOverride>> | undefined,
): ToolFields {
  const names = (filter ?? []).map((t) => t.trim()).filter(Boolean);
  const overrides = Object.entries(override ?? {}).map(([tool, o]) =>
    [tool, {
      ...(o.name ? { name: o.name } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
    }] as const
  );
  const fields: ToolFields = {
    ...(names.length ? { tools_filter: [...new Set(names)] } : {}),
    ...(overrides.length ? { tools_override: Object.fromEntries(overrides) } : {}),
  };
  try {
    ToolFilter.of(fields);
  } catch (e) {
    throw new RangeError((e as Error).message);
  }
  return fields;
}
