import assert from "node:assert/strict";
import type { Webhook } from "../run_config.ts";
import { checkWebhooks, timeoutMs, webhookProblems } from "./config.ts";

const hook = (extra: Partial<Webhook> = {}): Webhook => ({
  name: "policy",
  url: "https://hooks.test/validate",
  timeout: 0,
  failure_policy: "fail",
  ...extra,
});

Deno.test("timeoutMs reads nanoseconds, 0 meaning 10 s", () => {
  assert.equal(timeoutMs(hook()), 10_000);
  assert.equal(timeoutMs(hook({ timeout: 2_500_000_000 })), 2_500);
});

Deno.test("webhookProblems says what ToolHive says of a bad webhook", () => {
  assert.deepEqual(webhookProblems(hook()), []);
  assert.deepEqual(webhookProblems(hook({ url: "http://hooks.test" })), [
    "webhook URL must use HTTPS (set insecure_skip_verify to allow HTTP for development/in-cluster use)",
  ]);
  assert.deepEqual(webhookProblems(hook({ url: "http://hooks.test", tls_config: { insecure_skip_verify: true } })), []);
  assert.deepEqual(webhookProblems(hook({ timeout: 31e9 })), ["webhook timeout 31s exceeds maximum 30s"]);
  assert.deepEqual(webhookProblems(hook({ tls_config: { client_cert_path: "/c" } })), [
    "webhook TLS config: both client_cert_path and client_key_path must be provided for mTLS",
  ]);
  assert.match(webhookProblems(hook({ url: "not a url" }))[0]!, /^webhook URL is invalid: /);
});

Deno.test("checkWebhooks names the list, the index and the webhook of each problem", () => {
  assert.throws(() => checkWebhooks("mutating", [hook(), hook({ name: "b", url: "http://x" })]), {
    name: "TypeError",
    message: /^mutating_webhooks: mutating webhook\[1\] "b": webhook URL must use HTTPS/,
  });
});
