/**
 * The create request of the run form: typed values of plain variables go to `env_vars`, the secret ones
 * name a secret of thv's store and go to `secrets`; empty fields are left out, so the server's defaults hold.
 * @module
 */
import type { CreateWorkload, RegistryServer } from "./types.ts";

/** What the run form holds. */
export interface RunFormValues {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** `registry` (the entry's own), `none` or `network`. */
  readonly profile: string;
  readonly group: string;
}

/** The `POST /api/v1beta/workloads` body for `server` with `values`. */
export function createRequest(server: RegistryServer, values: RunFormValues): CreateWorkload {
  const env_vars: Record<string, string> = {};
  const secrets: { name: string; target: string }[] = [];
  for (const v of server.env_vars) {
    const given = values.env[v.name] ?? "";
    if (!given.trim()) continue;
    if (v.secret) secrets.push({ name: given.trim(), target: v.name });
    else env_vars[v.name] = given;
  }
  return {
    name: values.name.trim() || server.short_name,
    image: server.name,
    env_vars,
    secrets,
    ...(values.profile === "none" || values.profile === "network"
      ? { permission_profile: { name: values.profile } }
      : {}),
    group: values.group || "default",
  };
}
