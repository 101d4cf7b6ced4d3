/**
 * The errors of the secrets providers that callers tell apart: a store that cannot be opened with what thv
 * was started with, and a write to a read-only provider. A provider that is not set up is a NotFoundError.
 * @module
 */

/** The provider cannot be opened with what thv was started with: no password, a wrong one, an unknown type. */
export class SecretsUnavailableError extends Error {
  override name = "SecretsUnavailableError";
}

/** The provider only reads (the environment provider): setting or deleting is refused. */
export class ReadOnlySecretsError extends Error {
  override name = "ReadOnlySecretsError";
}
