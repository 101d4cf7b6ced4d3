/**
 * The workloads API's bodies turned into what lib/workloads takes, and its results into ToolHive's shapes:
 * a create request into a plan request, plan errors into a 400 (or 409) naming the body field, the
 * secrets provider checked before anything runs (thv serve never prompts for the password), and a
 * workload summary or RunConfig into the API's Workload and WorkloadDetails.
 * @module
 */
import type { z } from "zod";
import { issueLine } from "../../lib/api/mod.ts";
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import { HttpError } from "../../lib/http/mod.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import { configuredProvider, openProvider, PASSWORD_ENV, PROVIDER_ENV } from "../../lib/secrets/mod.ts";
import { parseSecretRef } from "../../lib/state/mod.ts";
import type { Plan, PlanRequest, WorkloadSummary } from "../../lib/workloads/mod.ts";
import type { ServeDeps } from "./deps.ts";
import type { PendingWorkload } from "./workload_hub.ts";
import type {
  CreateWorkloadRequest,
  UpdateWorkloadRequest,
  Workload,
  WorkloadDetails,
  WorkloadStatusValue,
} from "./schemas/workloads.ts";

type Body = z.output<typeof CreateWorkloadRequest> | z.output<typeof UpdateWorkloadRequest>;

/** The plan request of a create (or edit) body. */
export function planRequest(body: Body): PlanRequest {
  const profile = body.permission_profile;
  const onlyName = profile && Object.keys(profile).length === 1 &&
    (profile.name === "none" || profile.name === "network");
  return {
    server: body.image,
    ...("name" in body && body.name ? { name: body.name } : {}),
    ...(body.transport ? { transport: body.transport } : {}),
    ...(body.proxy_mode ? { proxyMode: body.proxy_mode } : {}),
    ...(body.proxy_port ? { proxyPort: body.proxy_port } : {}),
    ...(body.target_port ? { targetPort: body.target_port } : {}),
    ...(body.host ? { host: body.host } : {}),
    ...(body.cmd_arguments?.length ? { args: body.cmd_arguments } : {}),
    ...(body.env_vars ? { env: body.env_vars } : {}),
    ...(body.secrets?.length ? { secrets: body.secrets.map((s) => `${s.name},target=${s.target}`) } : {}),
    ...(body.volumes?.length ? { volumes: body.volumes } : {}),
    ...(profile ? { permissionProfile: onlyName ? profile.name! : profile } : {}),
    ...(body.group ? { group: body.group } : {}),
    ...(body.tools?.length ? { tools: body.tools } : {}),
    ...(body.tools_override && Object.keys(body.tools_override).length ? { toolsOverride: body.tools_override } : {}),
    ...(body.authz_config ? { authzConfig: body.authz_config } : {}),
  };
}

/** What lib messages call a field, and the body field it is. */
const FIELDS: ReadonlyArray<readonly [RegExp, string, string?]> = [
  [/--proxy-port/g, "proxy_port", "proxy_port"],
  [/--secret/g, "secrets", "secrets"],
  [/^-e /, "env_vars", "env_vars "],
  [/^Mount /, "volumes", "volume "],
  [/workload name/, "name"],
  [/group name/, "group"],
  [/registry|Name a server/, "image"],
  [/--permission-profile|[Pp]ermission profile/, "permission_profile"],
  [/^tools_override/, "tools_override"],
  [/^tools_filter/, "tools", "tools"],
  [/^Authorization config/, "authz_config"],
];

/** Plans `request`; what the lib refuses becomes a 400 (a taken port a 409) naming the body field. */
export async function planOrRefuse(deps: Pick<ServeDeps, "workloads">, request: PlanRequest): Promise<Plan> {
  try {
    return await deps.workloads.plan(request);
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof ConflictError || e instanceof HttpError) throw e;
    if (e instanceof Error && e.name === "ZodError" && "issues" in e) {
      throw new HttpError(400, issueLine("body", e as z.ZodError));
    }
    if (!(e instanceof RangeError || e instanceof TypeError || e instanceof SyntaxError)) throw e;
    let message = e.message.split("\n")[0]!;
    let field = "body";
    for (const [pattern, name, flag] of FIELDS) {
      if (!pattern.test(message)) continue;
      field = `body.${name}`;
      if (flag) message = message.replace(pattern, flag);
      break;
    }
    throw new HttpError(/ is taken/.test(message) ? 409 : 400, `${field}: ${message}`, { cause: e });
  }
}

/**
 * Refuses, before anything runs, secrets thv serve cannot read: no provider set up, the encrypted store
 * without its password in thv serve's environment (it never prompts), or a secret that is not there.
 */
export async function checkSecrets(
  deps: Pick<ServeDeps, "env" | "paths">,
  secrets: readonly { readonly name: string }[] | undefined,
): Promise<void> {
  if (!secrets?.length) return;
  const type = deps.env[PROVIDER_ENV] || (await configuredProvider(deps.paths));
  if (!type) throw new HttpError(400, "body.secrets: no secrets provider is set up: run thv secret setup");
  if (type === "encrypted" && !deps.env[PASSWORD_ENV]) {
    throw new HttpError(
      400,
      `body.secrets: the encrypted secrets store needs its password and thv serve never prompts: start thv serve with ${PASSWORD_ENV} set`,
    );
  }
  let provider;
  try {
    provider = await openProvider({ paths: deps.paths, env: deps.env });
  } catch (e) {
    throw new HttpError(400, `body.secrets: ${(e as Error).message}`);
  }
  for (const [i, { name }] of secrets.entries()) {
    const value = await provider.get(name).catch((e: Error) => {
      throw new HttpError(400, `body.secrets: ${e.message}`);
    });
    if (value === undefined) {
      throw new HttpError(
        404,
        `body.secrets[${i}].name: no secret ${name} in the ${provider.type} secrets provider: add it with thv secret set ${name}`,
      );
    }
  }
}

/** The protocol clients speak to a workload's proxy, from its URL (or its transport before it has one). */
function proxyModeOf(url: string, transport: string): string {
  if (url.endsWith("/sse") || (!url && transport === "sse")) return "sse";
  return "streamable-http";
}

/** A workload summary as the API shows it; `broken` (an unreadable RunConfig) is an `error`. */
export function workloadOf(s: WorkloadSummary): z.output<typeof Workload> {
  return {
    name: s.name,
    package: s.image,
    url: s.url,
    port: s.port,
    tool_type: "mcp",
    transport_type: s.transport,
    proxy_mode: proxyModeOf(s.url, s.transport),
    status: statusOf(s.state),
    status_context: s.reason,
    group: s.group,
    remote: false,
    labels: {},
    runtime: s.runtime,
  };
}

/** The API's status of a thv state. */
export function statusOf(state: WorkloadSummary["state"]): z.output<typeof WorkloadStatusValue> {
  return state === "broken" ? "error" : state;
}

/** A workload the API is still creating, as the list shows it. */
export function pendingWorkloadOf(p: PendingWorkload, status: string, context: string): z.output<typeof Workload> {
  return {
    name: p.name,
    package: p.image,
    url: "",
    port: p.port,
    tool_type: "mcp",
    transport_type: p.transport,
    proxy_mode: p.proxyMode,
    status: status === "error" ? "error" : "starting",
    status_context: context,
    group: p.group,
    remote: false,
    labels: {},
    runtime: "",
  };
}

/** What the hub shows of a planned workload. */
export function pendingOf(config: RunConfig): PendingWorkload {
  return {
    name: config.name,
    image: config.image,
    transport: config.transport,
    proxyMode: config.transport === "stdio" ? config.proxy_mode ?? "streamable-http" : config.transport,
    port: config.port,
    group: config.group ?? "default",
  };
}

/** A RunConfig in the create request's shape (GET /workloads/{name}). */
export function detailsOf(config: RunConfig): z.output<typeof WorkloadDetails> {
  const named = config.permission_profile_name_or_path;
  return {
    name: config.name,
    image: config.image,
    transport: config.transport,
    proxy_mode: pendingOf(config).proxyMode,
    proxy_port: config.port,
    ...(config.target_port ? { target_port: config.target_port } : {}),
    host: config.host,
    cmd_arguments: config.cmd_args,
    env_vars: config.env_vars,
    secrets: config.secrets.map((ref) => parseSecretRef(ref)).map(({ name, target }) => ({ name, target })),
    volumes: config.volumes,
    ...(config.permission_profile ? { permission_profile: config.permission_profile } : {}),
    ...(named ? { permission_profile_name: named } : {}),
    group: config.group ?? "default",
    ...(config.tools_filter?.length ? { tools: config.tools_filter } : {}),
    ...(config.tools_override ? { tools_override: config.tools_override } : {}),
  };
}
