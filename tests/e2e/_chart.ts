/**
 * The e2e tier's Helm steps: install the CRDs chart and the operator chart from chart/ into the cluster with the
 * cached helm binary, the way docs/operator.md tells users to (the steps live in the harness, which the cluster
 * bench shares).
 * @module
 */
export { helmIn, installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "../harness/mod.ts";
