/**
 * The shapes of the secrets routes (`/api/v1beta/secrets`), with ToolHive's field names. No response of
 * a list carries a value.
 * @module
 */
import { z } from "zod";
import { PROVIDERS, SECRET_NAME } from "../../../lib/secrets/mod.ts";

/** A secret's name. */
export const SecretKey = z.string().regex(SECRET_NAME, "must be 1 to 128 letters, digits, '_', '.' or '-'")
  .describe("Secret name: 1 to 128 letters, digits, '_', '.' or '-'");

/** `POST /secrets`. */
export const SetupSecretsRequest = z.strictObject({
  provider_type: z.enum(PROVIDERS).describe(
    "encrypted (a file sealed with TOOLHIVE_SECRETS_PASSWORD) or environment (TOOLHIVE_SECRET_<NAME>, read-only)",
  ),
  password: z.string().optional().describe(
    "Not accepted: the encrypted provider's password comes from TOOLHIVE_SECRETS_PASSWORD in thv serve's environment",
  ),
}).meta({ id: "SetupSecretsRequest" });

/** What `POST /secrets` answers. */
export const SetupSecretsResponse = z.object({
  provider_type: z.enum(PROVIDERS).describe("The provider set up"),
  message: z.string().describe("What was done"),
}).meta({ id: "SetupSecretsResponse" });

/** What a provider can do. */
export const ProviderCapabilities = z.object({
  can_read: z.boolean(),
  can_write: z.boolean(),
  can_delete: z.boolean(),
  can_list: z.boolean(),
  can_cleanup: z.boolean(),
}).meta({ id: "ProviderCapabilities" });

/** `GET /secrets/default`. */
export const SecretsProviderInfo = z.object({
  name: z.literal("default").describe("The provider's name in the API"),
  provider_type: z.enum(PROVIDERS).describe("The provider thv uses"),
  capabilities: ProviderCapabilities,
}).meta({ id: "SecretsProviderInfo" });

/** A secret as a list shows it: its name only. */
export const SecretKeyInfo = z.object({
  key: z.string().describe("Secret name"),
}).meta({ id: "SecretKeyInfo" });

/** `GET /secrets/default/keys`. */
export const SecretKeyList = z.object({
  keys: z.array(SecretKeyInfo).describe("The secrets' names, sorted (never their values)"),
}).meta({ id: "SecretKeyList" });

/** `POST /secrets/default/keys`. */
export const CreateSecretRequest = z.strictObject({
  key: SecretKey,
  value: z.string().min(1, "must not be empty").describe("The secret's value"),
}).meta({ id: "CreateSecretRequest" });

/** `PUT /secrets/default/keys/{key}`. */
export const UpdateSecretRequest = z.strictObject({
  value: z.string().min(1, "must not be empty").describe("The new value"),
}).meta({ id: "UpdateSecretRequest" });

/** What a write answers: the key, never the value. */
export const SecretWritten = z.object({
  key: z.string().describe("The secret written"),
  message: z.string().describe("What was done"),
}).meta({ id: "SecretWritten" });

/** `/secrets/default/keys/{key}`. */
export const SecretParams = z.object({ key: SecretKey });
