/**
 * The authorization file (toolhive-crds.md §16): `{version, type, cedar | pdp}`, inline in the RunConfig
 * (`authz_config`) or in a JSON or YAML file (`authz_config_path`, `thv run --authz-config`). Checked here
 * once, with ToolHive's messages; the Cedar policies themselves are parsed by the Cedar engine (cedar.ts).
 * @module
 */
import { parse as parseYaml } from "yaml";

/** `cedarv1` options. */
export interface CedarOptions {
  /** Cedar policies, one per string (ids `policy0`, `policy1`, ...). */
  readonly policies: readonly string[];
  /** A JSON array of Cedar entities added to every request's. */
  readonly entities_json?: string;
  /** The claim that holds groups (a dot path reaches into objects); default the first of groups, roles, cognito:groups. */
  readonly group_claim_name?: string;
  /** The claim that holds roles, merged with the groups. */
  readonly role_claim_name?: string;
  /** Entity type of the principal's group parents; default `THVGroup`. */
  readonly group_entity_type?: string;
  /** Claims given as a space-joined `claim_<n>` plus a Set `claimset_<n>`. */
  readonly multi_valued_claims?: readonly string[];
  /** Embedded authorization server upstream to read claims from (not supported: refused). */
  readonly primary_upstream_provider?: string;
}

/** `httpv1` options. */
export interface PdpOptions {
  /** The decision point: `url` (POST `<url>/decision`), `timeout` in seconds (default 30). */
  readonly http: { readonly url: string; readonly timeout?: number; readonly insecure_skip_verify?: boolean };
  /** What goes into the request's context. */
  readonly context?: { readonly include_args?: boolean; readonly include_operation?: boolean };
  /** How claims become the principal: `standard` or `mpe`. */
  readonly claim_mapping: "standard" | "mpe";
}

/** A checked authorization file. */
export type AuthzFile =
  | { readonly version: string; readonly type: "cedarv1"; readonly cedar: CedarOptions }
  | { readonly version: string; readonly type: "httpv1"; readonly pdp: PdpOptions };

const REGISTERED = ["cedarv1", "httpv1"];
type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks an authorization file; throws a one-line TypeError naming `source` and the field. */
export function checkAuthzFile(value: unknown, source: string): AuthzFile {
  const fail = (message: string): never => {
    throw new TypeError(`Authorization config ${source}: ${message}`);
  };
  if (!isObject(value)) return fail("give an object with version, type and cedar or pdp");
  if (typeof value.version !== "string" || value.version === "") fail("version is required");
  if (typeof value.type !== "string" || value.type === "") fail("type is required");
  const type = value.type as string;
  if (!REGISTERED.includes(type)) {
    fail(`unsupported configuration type: ${type} (registered types: [${REGISTERED.join(" ")}])`);
  }
  if (type === "cedarv1") {
    const cedar = value.cedar;
    if (!isObject(cedar)) return fail("cedar configuration is required (missing 'cedar' field)");
    return { version: value.version as string, type, cedar: checkCedar(cedar, fail) };
  }
  const pdp = value.pdp;
  if (!isObject(pdp)) return fail("configuration data is required for type httpv1 (missing 'pdp' field)");
  return { version: value.version as string, type: "httpv1", pdp: checkPdp(pdp, fail) };
}

function checkCedar(cedar: Fields, fail: (m: string) => never): CedarOptions {
  const policies = cedar.policies;
  if (!Array.isArray(policies) || policies.some((p) => typeof p !== "string")) {
    fail("cedar.policies must be a list of strings");
  }
  if ((policies as unknown[]).length === 0) fail("at least one policy is required for Cedar authorization");
  for (const key of ["entities_json", "group_claim_name", "role_claim_name", "group_entity_type"]) {
    if (cedar[key] !== undefined && typeof cedar[key] !== "string") fail(`cedar.${key} must be a string`);
  }
  const groupType = cedar.group_entity_type as string | undefined;
  if (groupType) {
    if (groupType.includes("::")) {
      fail(`group_entity_type "${groupType}" contains "::": namespaced entity types are not yet supported`);
    }
    if (!IDENTIFIER.test(groupType)) fail(`group_entity_type "${groupType}" is not a valid Cedar identifier`);
  }
  const multi = cedar.multi_valued_claims;
  if (multi !== undefined && (!Array.isArray(multi) || multi.some((c) => typeof c !== "string"))) {
    fail("cedar.multi_valued_claims must be a list of claim names");
  }
  if (cedar.primary_upstream_provider) {
    fail("cedar.primary_upstream_provider needs the embedded authorization server, which thv does not have: remove it");
  }
  return cedar as unknown as CedarOptions;
}

function checkPdp(pdp: Fields, fail: (m: string) => never): PdpOptions {
  const http = pdp.http;
  if (!isObject(http)) return fail("http configuration is required");
  if (typeof http.url !== "string" || http.url === "") fail("http.url is required");
  let url: URL | undefined;
  try {
    url = new URL(http.url as string);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) fail("http.url must be an http or https URL");
  if (http.timeout !== undefined && (typeof http.timeout !== "number" || !(http.timeout > 0))) {
    fail("http.timeout must be a positive number of seconds");
  }
  if (http.insecure_skip_verify === true) {
    fail("http.insecure_skip_verify is not supported: serve the decision point with a certificate the system trusts");
  }
  const mapping = pdp.claim_mapping;
  if (mapping === undefined || mapping === "") fail("claim_mapping is required (valid values: mpe, standard)");
  if (mapping !== "mpe" && mapping !== "standard") {
    fail(`invalid claim_mapping "${String(mapping)}" (valid values: mpe, standard)`);
  }
  if (pdp.context !== undefined && !isObject(pdp.context)) fail("context must be an object");
  return pdp as unknown as PdpOptions;
}

/** Reads an authorization file: YAML for `.yaml`/`.yml`, else JSON; a path with `..` is refused (as ToolHive). */
export async function readAuthzFile(
  path: string,
  readTextFile: (path: string) => Promise<string>,
): Promise<AuthzFile> {
  if (path.split(/[\\/]/).includes("..")) {
    throw new TypeError(`Authorization config ${path}: the path must not contain "..": give it without`);
  }
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (e) {
    throw new TypeError(`Authorization config ${path} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    const what = /\.ya?ml$/i.test(path) ? "YAML" : "JSON";
    throw new TypeError(`Authorization config ${path} is not ${what}: ${(e as Error).message.split("\n")[0]}`, {
      cause: e,
    });
  }
  return checkAuthzFile(value, path);
}

/**
 * Reads and checks an authorization file as {@linkcode readAuthzFile}, and parses its Cedar policies, so a
 * bad policy fails where the file is given (`thv run --authz-config`, the API) rather than at proxy start.
 */
export async function loadAuthzFile(
  path: string,
  readTextFile: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<AuthzFile> {
  const file = await readAuthzFile(path, readTextFile);
  if (file.type === "cedarv1") {
    const { createCedarAuthorizer } = await import("./cedar.ts");
    createCedarAuthorizer(file.cedar, { serverName: "check", source: path });
  }
  return file;
}
