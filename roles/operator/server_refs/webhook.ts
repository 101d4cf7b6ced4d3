/**
 * `spec.webhookConfigRef` → WebhookConfigValidated, `webhookConfigHash`, and RunConfig `validating_webhooks` /
 * `mutating_webhooks` (toolhive-crds.md §7). Each referenced Secret key is mounted as its own file under
 * `/etc/toolhive/webhooks/`, named as ToolHive names it; the RunConfig holds only those paths.
 * @module
 */
import type { V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { McpWebhookConfigSpec, WebhookSpec } from "../../../crds/mod.ts";
import type { RunConfig } from "../../../lib/run_config.ts";
import type { ServerRefHandler } from "../server_refs.ts";
import { parseGoDuration, WEBHOOK_CONFIG_KIND } from "../shared_config/mod.ts";
import { refFailure } from "./fail.ts";

type Webhook = NonNullable<RunConfig["validating_webhooks"]>[number];
type SecretRef = { readonly name: string; readonly key: string };

/** 32-bit FNV-1a of `text`, as lowercase hex without padding. */
export function fnv32a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

const FILES = { hmac: "hmac", tls_ca: "ca.crt", tls_client_cert: "tls.crt", tls_client_key: "tls.key" } as const;

/** Where one webhook secret is mounted: the volume, the mount and the file path the RunConfig names. */
export function webhookSecretMount(
  list: "validating" | "mutating",
  hook: string,
  use: keyof typeof FILES,
  ref: SecretRef,
): { volume: V1Volume; mount: V1VolumeMount; path: string } {
  const identifier = `WEBHOOK_${list}_${hook}_${use}_${fnv32a(`${ref.name}/${ref.key}`)}`.toUpperCase()
    .replaceAll("-", "_").replace(/[^A-Z0-9_]/g, "_");
  const volume = `whsec-${fnv32a(identifier).slice(0, 12)}`;
  const path = `/etc/toolhive/webhooks/${identifier.toLowerCase()}/${FILES[use]}`;
  return {
    volume: { name: volume, secret: { secretName: ref.name, items: [{ key: ref.key, path: FILES[use] }] } },
    mount: { name: volume, mountPath: path, subPath: FILES[use], readOnly: true },
    path,
  };
}

/** The RunConfig entries of one list, and the Secret volumes they need. */
export function runConfigWebhooks(list: "validating" | "mutating", hooks: readonly WebhookSpec[] = []) {
  const volumes: V1Volume[] = [];
  const volumeMounts: V1VolumeMount[] = [];
  const mount = (hook: string, use: keyof typeof FILES, ref: SecretRef) => {
    const m = webhookSecretMount(list, hook, use, ref);
    volumes.push(m.volume);
    volumeMounts.push(m.mount);
    return m.path;
  };
  const webhooks = hooks.map((h): Webhook => {
    const tls = h.tlsConfig;
    const mtls = tls?.clientCertSecretRef && tls.clientKeySecretRef;
    return {
      name: h.name,
      url: h.url,
      timeout: h.timeout ? parseGoDuration(h.timeout) ?? 0 : 0,
      failure_policy: h.failurePolicy,
      ...(tls
        ? {
          tls_config: {
            ...(tls.caSecretRef ? { ca_bundle_path: mount(h.name, "tls_ca", tls.caSecretRef) } : {}),
            ...(mtls
              ? {
                client_cert_path: mount(h.name, "tls_client_cert", tls.clientCertSecretRef!),
                client_key_path: mount(h.name, "tls_client_key", tls.clientKeySecretRef!),
              }
              : {}),
            ...(tls.insecureSkipVerify !== undefined ? { insecure_skip_verify: tls.insecureSkipVerify } : {}),
          },
        }
        : {}),
      ...(h.hmacSecretRef ? { hmac_secret_ref: mount(h.name, "hmac", h.hmacSecretRef) } : {}),
    };
  });
  return { webhooks, volumes, volumeMounts };
}

/** `spec.webhookConfigRef`. */
export const WEBHOOK_CONFIG_REF: ServerRefHandler = {
  conditionType: "WebhookConfigValidated",
  resolve(server, lookup) {
    const ref = server.spec.webhookConfigRef;
    if (!ref) return { hashes: { webhookConfigHash: undefined } };
    const type = this.conditionType;
    const found = lookup<McpWebhookConfigSpec>(WEBHOOK_CONFIG_KIND, ref.name);
    if (found.state === "missing") {
      return refFailure(
        type,
        "WebhookConfigNotFound",
        `mcpwebhookconfigs.toolhive.stacklok.dev "${ref.name}" not found`,
      );
    }
    if (found.state === "invalid") {
      return refFailure(type, "WebhookConfigInvalid", `invalid MCPWebhookConfig ${ref.name}: ${found.message}`);
    }
    const validating = runConfigWebhooks("validating", found.spec.validating);
    const mutating = runConfigWebhooks("mutating", found.spec.mutating);
    return {
      condition: {
        type,
        status: "True",
        reason: "WebhookConfigValid",
        message: `MCPWebhookConfig ${ref.name} is valid`,
      },
      hashes: { webhookConfigHash: found.hash },
      runConfig: {
        ...(validating.webhooks.length ? { validating_webhooks: validating.webhooks } : {}),
        ...(mutating.webhooks.length ? { mutating_webhooks: mutating.webhooks } : {}),
      },
      proxyPod: {
        volumes: [...validating.volumes, ...mutating.volumes],
        volumeMounts: [...validating.volumeMounts, ...mutating.volumeMounts],
      },
    };
  },
};
