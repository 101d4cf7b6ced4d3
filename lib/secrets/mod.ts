/**
 * Secrets providers (encrypted file, environment) and `--secret` resolution.
 * @module
 */
export { EncryptedSecrets } from "./encrypted.ts";
export { ReadOnlySecretsError, SecretsUnavailableError } from "./errors.ts";
export * from "./provider.ts";
export { resolveSecretRefs } from "./resolve.ts";
