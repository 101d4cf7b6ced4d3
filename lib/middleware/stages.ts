/**
 * The stage factories of the proxy's chain, outermost first (ToolHive's order, toolhive-reference.md §3):
 * audit, authentication, outgoing authentication, telemetry, mutating webhooks, validating webhooks,
 * authorization. Each lives in its own folder of lib/ and is listed here once, through `lazyStage`, so its
 * module (and the packages it needs) loads only for a RunConfig that asks for it.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { lazyStage, type StageFactory } from "./chain.ts";

/** Every stage factory, outermost first. */
export const STAGE_FACTORIES: readonly StageFactory[] = [
  lazyStage(
    "audit",
    ["audit_config", "audit_config_path"],
    () =>
      lazyImport<typeof import("../audit/mod.ts")>(new URL("../audit/mod.ts", import.meta.url)).then((m) => m.factory),
  ),
  lazyStage(
    "authentication",
    ["oidc_config", "jwks_auth_token_file"],
    () =>
      lazyImport<typeof import("../auth/mod.ts")>(new URL("../auth/mod.ts", import.meta.url)).then((m) => m.factory),
  ),
  lazyStage(
    "outgoing-auth",
    ["token_exchange_config", "remote_auth_config", "header_forward"],
    () =>
      lazyImport<typeof import("../outgoing/mod.ts")>(new URL("../outgoing/mod.ts", import.meta.url)).then((m) =>
        m.factory
      ),
  ),
  lazyStage(
    "telemetry",
    ["telemetry_config"],
    () =>
      lazyImport<typeof import("../telemetry/mod.ts")>(new URL("../telemetry/mod.ts", import.meta.url)).then((m) =>
        m.factory
      ),
  ),
  lazyStage(
    "mutating-webhooks",
    ["mutating_webhooks"],
    () =>
      lazyImport<typeof import("../webhooks/mod.ts")>(new URL("../webhooks/mod.ts", import.meta.url)).then((m) =>
        m.mutatingFactory
      ),
  ),
  lazyStage(
    "validating-webhooks",
    ["validating_webhooks"],
    () =>
      lazyImport<typeof import("../webhooks/mod.ts")>(new URL("../webhooks/mod.ts", import.meta.url)).then((m) =>
        m.validatingFactory
      ),
  ),
  lazyStage(
    "authorization",
    ["authz_config", "authz_config_path"],
    () =>
      lazyImport<typeof import("../authz/mod.ts")>(new URL("../authz/mod.ts", import.meta.url)).then((m) => m.factory),
  ),
];
