/**
 * RunConfig schema versions and the migrations between them, applied to the raw JSON before the schema reads it.
 *
 * The rule: thv writes {@linkcode RUN_CONFIG_SCHEMA_VERSION}, the only version ToolHive has published. It reads
 * - the current version as it is;
 * - an older one (`v0.0.x`, or no `schema_version` at all: unversioned files, such as those written
 *   by hand), migrating it step by step to the current shape and naming every change;
 * - never a newer one: that file may hold keys whose meaning this thv does not know, so it is refused with a
 *   message that says to upgrade thv.
 * Independently of the version, `null` reads as absent, since Go writes an unset pointer, slice or map as `null`.
 * @module
 */

/** The schema version written into every RunConfig. */
export const RUN_CONFIG_SCHEMA_VERSION = "v0.1.0";

/** A RunConfig's JSON object before the schema reads it. */
export type RawRunConfig = Readonly<Record<string, unknown>>;

/** One step from an older shape to the next: what it changes and how. */
interface Migration {
  /** The version this step writes; it applies to every version below it. */
  readonly to: string;
  /** Returns the migrated object and one line per change. */
  readonly migrate: (data: RawRunConfig) => { data: RawRunConfig; changes: string[] };
}

/** Oldest first. Add a step (and raise {@linkcode RUN_CONFIG_SCHEMA_VERSION}) with every change of shape. */
const MIGRATIONS: readonly Migration[] = [
  {
    to: "v0.1.0",
    migrate: (data) => ({
      data: { ...data, schema_version: "v0.1.0" },
      changes: [`schema_version: ${versionOf(data) ?? "none"} → v0.1.0 (the older shape has the same keys)`],
    }),
  },
];

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)$/;

function versionOf(data: RawRunConfig): string | undefined {
  const v = data.schema_version;
  return v === undefined || v === null ? undefined : String(v);
}

/** Compares two `vMAJOR.MINOR.PATCH` versions: negative when `a` is older than `b`, 0 when equal. */
function compareSchemaVersions(a: string, b: string): number {
  const [pa, pb] = [VERSION.exec(a), VERSION.exec(b)];
  if (!pa || !pb) throw new TypeError(`Cannot compare schema versions ${a} and ${b}: expected vMAJOR.MINOR.PATCH`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === "object" ? withoutNulls(v) : v));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

/**
 * Brings a RunConfig's JSON object to the current shape: drops `null` values, and migrates an older (or missing)
 * `schema_version`, returning one line per change. Throws a TypeError for a `schema_version` that is not a
 * version and a RangeError for a newer one. `source` names the file in errors. The input is not mutated.
 * @example
 * ```ts
 * const { data, changes } = migrateRunConfig({ name: "fetch", image: "img:1", transport: "stdio", port: 8080 }, "a");
 * // changes: ["schema_version: none → v0.1.0 (the older shape has the same keys)"]
 * ```
 */
export function migrateRunConfig(data: RawRunConfig, source: string): { data: RawRunConfig; changes: string[] } {
  let current = withoutNulls(data) as RawRunConfig;
  const raw = current.schema_version;
  if (raw !== undefined && (typeof raw !== "string" || !VERSION.test(raw))) {
    throw new TypeError(
      `RunConfig ${source}: field schema_version: ${JSON.stringify(raw)} is not a version like ` +
        RUN_CONFIG_SCHEMA_VERSION,
    );
  }
  if (raw !== undefined && compareSchemaVersions(raw, RUN_CONFIG_SCHEMA_VERSION) > 0) {
    throw new RangeError(
      `RunConfig ${source} has schema_version ${raw}, newer than this thv reads (${RUN_CONFIG_SCHEMA_VERSION}): ` +
        "upgrade thv",
    );
  }
  const changes: string[] = [];
  for (const step of MIGRATIONS) {
    const from = versionOf(current);
    if (from !== undefined && compareSchemaVersions(from, step.to) >= 0) continue;
    const next = step.migrate(current);
    current = next.data;
    changes.push(...next.changes);
  }
  // The current version spelled without its "v" is the current version.
  if (current.schema_version !== RUN_CONFIG_SCHEMA_VERSION) {
    current = { ...current, schema_version: RUN_CONFIG_SCHEMA_VERSION };
  }
  return { data: current, changes };
}
