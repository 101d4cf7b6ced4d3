/**
 * Where workloads run: runtime detection and the container-engine helpers shared by every role.
 * @module
 */
export {
  defaultSocketPaths,
  denoSocketProbe,
  type DetectEnv,
  detectRuntime,
  type Engine,
  RUNTIME_NAMES,
  type RuntimeChoice,
  type RuntimeName,
  type SocketProbe,
} from "./detect.ts";
export { type AttachedStdio, attachStdio } from "./docker_attach.ts";
export { dockerClient, type EngineVersion, engineVersion } from "./engine.ts";
