/**
 * Kubernetes access for every role, through one small interface.
 * @module
 */
export {
  apiErrorMessage,
  isConflict,
  isNotFound,
  type KubeClient,
  kubeClient,
  type ObjectRef,
  type RequestCounts,
  type StatusRef,
} from "./client.ts";
export { type WatchEventType, watchForever, type WatchForeverOptions } from "./watch.ts";
export { loadKubeConfig } from "./config.ts";
export { LeaderElector, type LeaseOptions } from "./lease.ts";
export { EventRecorder, type InvolvedObject } from "./events.ts";
