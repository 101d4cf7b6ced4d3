/**
 * The test harness: real components for tests that need them (design.md §7).
 * @module
 */
import "./quiet_deprecations.ts";

export { type ControlPlaneAssets, controlPlaneAssets } from "./assets.ts";
export { type ControlPlane, type ControlPlaneOptions, startControlPlane } from "./control_plane.ts";
export { freePort, freePorts } from "./ports.ts";
export { firstLine, LineReader } from "./lines.ts";
export { type ServerProcess, startProcess, waitUntilReady } from "./process.ts";
export { buildTestImage, loadArchive, testImageArchive, type TestImageSpec } from "./images.ts";
export { type DockerArchive, type ImageConfig, writeDockerArchive } from "./docker_archive.ts";
export { CONTAINERS_CONF, type PodmanService, startPodman } from "./podman.ts";
export { type OpenWatch, openWatch, type WatchHandler, within } from "./watch.ts";
export {
  muteSocket,
  type PrivateHome,
  privateHome,
  REPO_ROOT,
  runThv,
  spawnThv,
  type ThvProcess,
  type ThvResult,
} from "./thv.ts";
export { kubectl, type KubectlResult } from "./kubectl.ts";
export { helm, helmBinary, type HelmResult } from "./helm.ts";
export { poll } from "./poll.ts";
export { filesUnder } from "./files.ts";
export { OPERATOR_RULES_FILE, operatorIdentity, startTestOperator, type TestOperator } from "./operator.ts";
export {
  connectClient,
  connectSseClient,
  EVERYTHING_STDIO,
  FIXTURE_STDIO,
  type ServedProxy,
  serveStdioProxy,
} from "./mcp.ts";
export { type HttpServerProcess, type ServedHttpProxy, serveHttpProxy, startEverythingHttp } from "./mcp.ts";
export { EVERYTHING_IMAGE, EVERYTHING_IN_IMAGE, everythingArchive, everythingImage } from "./everything_image.ts";
export { FIXTURE_IMAGE, FIXTURE_IN_IMAGE, fixtureArchive } from "./fixture_image.ts";
export {
  BUSYBOX_IMAGE,
  CLUSTER_PARENT,
  CLUSTER_PREFIX,
  type ClusterOptions,
  hostLeftovers,
  NODE_IP,
  type NodeCluster,
  type SavedHostState,
  startCluster,
} from "./cluster.ts";
export { startNodeWithTestImages } from "./dev_node.ts";
export { startRegistry, type TestRegistry } from "./registry.ts";
export { namespaceObjects } from "./objects.ts";
export { helmIn, installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "./charts.ts";
export { errorAnswer, jsonAnswer, jsonPost, type ServeProcess, startServe } from "./serve.ts";
