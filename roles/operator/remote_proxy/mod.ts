/**
 * The MCPRemoteProxy controller's parts: names, desired children, status and the reconcile pass.
 * @module
 */
export {
  desiredRemoteChildren,
  desiredRemoteDeployment,
  desiredRemoteRunConfig,
  desiredRemoteRunConfigMap,
  REMOTE_RUNNER_RULES,
} from "./desired.ts";
export { headerSecretName, remoteChildNames, remoteLabels, type RemoteProxy, remoteProxyUrl } from "./names.ts";
export { reconcileRemoteProxy, type RemoteProxyDeps } from "./reconcile.ts";
export { computeRemoteStatus, type ConfigProblem } from "./status.ts";
