/**
 * Docker-compatible engines (Podman, Docker, Colima) through dockerode: a client, the engine's version, and
 * a stdio attach that carries bytes exactly. Kept apart from runtime detection so that commands which do
 * not talk to an engine never load dockerode.
 * @module
 */
export { type AttachedStdio, attachStdio } from "./attach.ts";
export { dockerClient, type EngineVersion, engineVersion } from "./engine.ts";
export {
  bindOf,
  type ContainerOptions,
  containerSpec,
  LABELS,
  type NetworkAccess,
  networkAccess,
} from "./container_spec.ts";
export { type Deployed, DockerWorkloads, type WorkloadContainer, WorkloadExistsError } from "./workloads.ts";
export { containerConnector } from "./connector.ts";
export { type PullEvent, pullImage } from "./pull.ts";
