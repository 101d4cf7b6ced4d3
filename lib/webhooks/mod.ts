/**
 * Webhooks (issue 15 item 5, MCPWebhookConfig): mutating webhooks that patch MCP requests and validating
 * webhooks that allow or deny them, called with ToolHive's request format, timeout, failure policy, TLS
 * options and the HMAC `X-ToolHive-Signature`. {@linkcode mutatingFactory} and {@linkcode validatingFactory}
 * are the chain's stages, after telemetry and before authorization.
 * @module
 */
import type { StageFactory } from "../middleware/mod.ts";
import { mutatingStage, validatingStage } from "./stage.ts";

export { checkWebhooks, DEFAULT_TIMEOUT_MS, timeoutMs, type WebhookKind, webhookProblems } from "./config.ts";
export {
  MAX_RESPONSE_BYTES,
  WEBHOOK_API_VERSION,
  type WebhookClient,
  webhookClient,
  type WebhookOutcome,
  type WebhookRequest,
  type WebhookResponse,
} from "./client.ts";
export { applyJsonPatch, type PatchOperation } from "./json_patch.ts";
export { hmacKey, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER, verifySignature } from "./signing.ts";
export { mutatingStage, principalOf, validatingStage } from "./stage.ts";

/** The chain's mutating-webhooks stage. */
export const mutatingFactory: StageFactory = {
  name: "mutating-webhooks",
  keys: ["mutating_webhooks"],
  build: (config, deps) => mutatingStage(config, deps),
};

/** The chain's validating-webhooks stage. */
export const validatingFactory: StageFactory = {
  name: "validating-webhooks",
  keys: ["validating_webhooks"],
  build: (config, deps) => validatingStage(config, deps),
};
