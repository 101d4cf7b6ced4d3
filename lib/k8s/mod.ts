/**
 * Kubernetes access for every role, through one small interface, and a small controller framework in the
 * controller-runtime mould (decision 012): informers into caches, controllers over one work queue, a
 * manager with health, metrics and leader election, and an applier that skips what did not change.
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
export { type ClusterConfig, loadKubeConfig, type LoadKubeConfigOptions } from "./config.ts";
export { ApiError } from "./rest.ts";
export { LeaderElector, type LeaseOptions } from "./lease.ts";
export { EventRecorder, type InvolvedObject } from "./events.ts";
export {
  collectionPath,
  isOlderVersion,
  type Kind,
  kindKey,
  type KubeObject,
  objectKey,
  type ObjectMeta,
  ownerKey,
} from "./object.ts";
export { type IndexFunction, type ListFilter, Store, type StoreChange } from "./store.ts";
export {
  apiListWatch,
  type ApiListWatchOptions,
  type ListResult,
  type ListWatch,
  type WatchEnd,
  type WatchEvent,
} from "./list_watch.ts";
export { type ChangeHandler, Informer, type InformerOptions } from "./informer.ts";
export { InformerCache } from "./cache.ts";
export { LAST_APPLIED_ANNOTATION, stripForCache, strippedMetadata } from "./transform.ts";
export { WorkQueue, type WorkQueueOptions } from "./queue.ts";
export { TerminalError } from "./errors.ts";
export {
  type Controller,
  controller,
  type ControllerRunOptions,
  type ControllerSpec,
  type ReconcileOutcome,
  type Reconciler,
  type ReconcileRequest,
  type ReconcileResult,
  type WatchSpec,
} from "./controller.ts";
export { type Applied, Applier, type ApplierOptions, type ApplyOutcome } from "./applier.ts";
export { type InformOptions, Manager, type ManagerOptions, type ManagerState } from "./manager.ts";
export { attach, type AttachOptions, type AttachSession, attachUrl } from "./attach.ts";
export {
  Channel,
  CHANNEL_PROTOCOLS,
  closeFrame,
  decodeFrame,
  encodeFrame,
  type Frame,
  parseStatus,
  type StreamStatus,
} from "./channel.ts";
export {
  DEFAULT_NO_POD_TIMEOUT_MS,
  isAttachable,
  type KubernetesStdioConnector,
  kubernetesStdioConnector,
  type KubernetesStdioOptions,
  NoPodError,
} from "./stdio_connector.ts";
