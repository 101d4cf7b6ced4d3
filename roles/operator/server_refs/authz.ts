/**
 * `spec.authzConfigRef` → AuthzConfigRefValidated, `authzConfigHash`, and RunConfig `authz_config`, the
 * assembled authorization file (toolhive-crds.md §4, §15).
 * @module
 */
import type { McpAuthzConfigSpec } from "../../../crds/mod.ts";
import type { ServerRefHandler } from "../server_refs.ts";
import { AUTHZ_CONFIG_KIND, authzFile } from "../shared_config/mod.ts";
import { refFailure } from "./fail.ts";

/** `spec.authzConfigRef`. */
export const AUTHZ_CONFIG_REF: ServerRefHandler = {
  conditionType: "AuthzConfigRefValidated",
  resolve(server, lookup) {
    const ref = server.spec.authzConfigRef;
    if (!ref) return { hashes: { authzConfigHash: undefined } };
    const type = this.conditionType;
    const found = lookup<McpAuthzConfigSpec>(AUTHZ_CONFIG_KIND, ref.name);
    if (found.state === "missing") {
      return refFailure(type, "AuthzConfigRefNotFound", `MCPAuthzConfig ${ref.name} not found`);
    }
    if (found.state === "invalid") {
      const ns = server.metadata.namespace;
      return refFailure(
        type,
        "AuthzConfigRefNotValid",
        `MCPAuthzConfig ${ref.name} is not valid: MCPAuthzConfig ${ns}/${ref.name} is not valid ` +
          `(condition "Valid" is not True)`,
      );
    }
    return {
      condition: {
        type,
        status: "True",
        reason: "AuthzConfigRefValid",
        message: `MCPAuthzConfig ${ref.name} is valid and ready`,
      },
      hashes: { authzConfigHash: found.hash },
      runConfig: { authz_config: authzFile(found.spec) as { version: string; type: string } },
    };
  },
};
