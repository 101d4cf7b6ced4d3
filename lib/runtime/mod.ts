/**
 * Where workloads run: runtime detection and the report on it. The Docker-compatible engine client is in
 * docker/mod.ts.
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
export { type RuntimeReport, runtimeReport } from "./report.ts";
