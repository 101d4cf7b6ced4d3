/**
 * MCPWebhookConfig's checks beyond the schema (toolhive-crds.md §7): each webhook's URL, timeout and TLS pair.
 * ToolHive's messages, each prefixed with the webhook it is about, joined with newlines.
 * @module
 */
import { McpWebhookConfigSpec, type WebhookSpec } from "../../../crds/mod.ts";
import { MCP_WEBHOOK_CONFIG } from "../kinds.ts";
import { formatGoDuration, parseGoDuration } from "./go_duration.ts";
import type { SharedConfigKind } from "./kind.ts";

const SECOND = 1e9;
const MAX_TIMEOUT = 30 * SECOND;

/** The problems of one webhook, without the prefix. */
export function webhookProblems(hook: WebhookSpec): string[] {
  const problems: string[] = [];
  if (hook.name === "") problems.push("webhook name is required");
  const insecure = hook.tlsConfig?.insecureSkipVerify === true;
  if (hook.url === "") problems.push("webhook URL is required");
  else {
    let scheme: string | undefined;
    try {
      scheme = new URL(hook.url).protocol.replace(/:$/, "");
    } catch {
      problems.push(`webhook URL is invalid: parse "${hook.url}": invalid URL`);
    }
    if (scheme !== undefined && scheme !== "https" && !(insecure && scheme === "http")) {
      problems.push(
        "webhook URL must use HTTPS (set insecure_skip_verify to allow HTTP for development/in-cluster use)",
      );
    }
  }
  if (hook.failurePolicy !== "fail" && hook.failurePolicy !== "ignore") {
    problems.push(`webhook failure_policy must be "fail" or "ignore", got "${hook.failurePolicy}"`);
  }
  if (hook.timeout !== undefined) {
    const ns = parseGoDuration(hook.timeout);
    if (ns === undefined) problems.push(`webhook timeout "${hook.timeout}" is not a duration such as 10s`);
    else if (ns > MAX_TIMEOUT) problems.push(`webhook timeout ${formatGoDuration(ns)} exceeds maximum 30s`);
    else if (ns !== 0 && ns < SECOND) problems.push("webhook timeout must be between 1s and 30s");
  }
  const tls = hook.tlsConfig;
  if (tls && (tls.clientCertSecretRef === undefined) !== (tls.clientKeySecretRef === undefined)) {
    problems.push("webhook TLS config: both client_cert_path and client_key_path must be provided for mTLS");
  }
  return problems;
}

/** Every problem of an MCPWebhookConfig spec, one line each, or undefined. */
export function checkWebhookConfig(spec: McpWebhookConfigSpec): string | undefined {
  const lines = [
    ...(spec.validating ?? []).flatMap((h, i) =>
      webhookProblems(h).map((p) => `validating webhook[${i}] "${h.name}": ${p}`)
    ),
    ...(spec.mutating ?? []).flatMap((h, i) =>
      webhookProblems(h).map((p) => `mutating webhook[${i}] "${h.name}": ${p}`)
    ),
  ];
  if ((spec.validating ?? []).length + (spec.mutating ?? []).length === 0) {
    lines.push("at least one validating or mutating webhook must be defined");
  }
  return lines.length ? lines.join("\n") : undefined;
}

/** MCPWebhookConfig. */
export const WEBHOOK_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_WEBHOOK_CONFIG,
  finalizer: "mcpwebhookconfig.toolhive.stacklok.dev/finalizer",
  spec: McpWebhookConfigSpec,
  validReason: "ValidationSucceeded",
  invalidReason: "ValidationFailed",
  check: checkWebhookConfig as (spec: never) => string | undefined,
};
