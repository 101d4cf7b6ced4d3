/**
 * Checks of one RunConfig webhook (`validating_webhooks` / `mutating_webhooks` entries, written by the
 * operator from an MCPWebhookConfig), with ToolHive's messages, and its timeout in milliseconds.
 * @module
 */
import type { Webhook } from "../run_config.ts";

/** Which list a webhook is in. */
export type WebhookKind = "validating" | "mutating";

/** Timeout when the RunConfig gives 0. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest timeout. */
export const MAX_TIMEOUT_MS = 30_000;

/** The problems of `hook`, each a one-line message as ToolHive words it; empty when it is valid. */
export function webhookProblems(hook: Webhook): string[] {
  const problems: string[] = [];
  if (!hook.name) problems.push("webhook name is required");
  if (!hook.url) {
    problems.push("webhook URL is required");
  } else {
    let url: URL | undefined;
    try {
      url = new URL(hook.url);
    } catch (e) {
      problems.push(`webhook URL is invalid: ${(e as Error).message}`);
    }
    if (url && url.protocol !== "https:" && !hook.tls_config?.insecure_skip_verify) {
      problems.push(
        "webhook URL must use HTTPS (set insecure_skip_verify to allow HTTP for development/in-cluster use)",
      );
    }
  }
  if (hook.failure_policy !== "fail" && hook.failure_policy !== "ignore") {
    problems.push(`webhook failure_policy must be "fail" or "ignore", got "${hook.failure_policy}"`);
  }
  if (timeoutMs(hook) > MAX_TIMEOUT_MS) problems.push(`webhook timeout ${timeoutMs(hook) / 1000}s exceeds maximum 30s`);
  const tls = hook.tls_config;
  if (tls && !!tls.client_cert_path !== !!tls.client_key_path) {
    problems.push("webhook TLS config: both client_cert_path and client_key_path must be provided for mTLS");
  }
  return problems;
}

/** The timeout of `hook` in milliseconds (RunConfig nanoseconds; 0: 10 s). */
export function timeoutMs(hook: Webhook): number {
  return hook.timeout > 0 ? Math.max(1, Math.round(hook.timeout / 1e6)) : DEFAULT_TIMEOUT_MS;
}

/** Throws a TypeError naming every problem of every webhook of `kind`, each as `<kind> webhook[i] "name": ...`. */
export function checkWebhooks(kind: WebhookKind, hooks: readonly Webhook[]): void {
  const lines = hooks.flatMap((h, i) => webhookProblems(h).map((p) => `${kind} webhook[${i}] "${h.name}": ${p}`));
  if (lines.length > 0) throw new TypeError(`${kind}_webhooks: ${lines.join("; ")}`);
}
