/**
 * The operator's Prometheus metrics, in the text exposition format.
 * @module
 */
import type { RequestCounts } from "../../lib/k8s/mod.ts";

/** Counters the controller updates. */
export class OperatorMetrics {
  /** Reconcile passes finished. */
  reconciles = 0;
  /** Reconcile passes that failed. */
  errors = 0;
  /** Total reconcile time, seconds. */
  durationSeconds = 0;

  /** Records one pass. */
  observe(seconds: number, failed: boolean): void {
    this.reconciles++;
    this.durationSeconds += seconds;
    if (failed) this.errors++;
  }

  /** The exposition text. */
  render(queueDepth: number, requests: RequestCounts, leader: boolean): string {
    const lines = [
      "# HELP thv_operator_reconciles_total Reconcile passes over MCPServers.",
      "# TYPE thv_operator_reconciles_total counter",
      `thv_operator_reconciles_total ${this.reconciles}`,
      "# HELP thv_operator_reconcile_errors_total Reconcile passes that failed.",
      "# TYPE thv_operator_reconcile_errors_total counter",
      `thv_operator_reconcile_errors_total ${this.errors}`,
      "# HELP thv_operator_reconcile_duration_seconds Time spent reconciling.",
      "# TYPE thv_operator_reconcile_duration_seconds summary",
      `thv_operator_reconcile_duration_seconds_sum ${this.durationSeconds}`,
      `thv_operator_reconcile_duration_seconds_count ${this.reconciles}`,
      "# HELP thv_operator_queue_depth Keys waiting to be reconciled.",
      "# TYPE thv_operator_queue_depth gauge",
      `thv_operator_queue_depth ${queueDepth}`,
      "# HELP thv_operator_api_requests_total Requests to the Kubernetes API, by kind of request.",
      "# TYPE thv_operator_api_requests_total counter",
      `thv_operator_api_requests_total{verb="read"} ${requests.reads}`,
      `thv_operator_api_requests_total{verb="write"} ${requests.writes}`,
      "# HELP thv_operator_leader Whether this operator leads (1) or stands by (0).",
      "# TYPE thv_operator_leader gauge",
      `thv_operator_leader ${leader ? 1 : 0}`,
    ];
    return lines.join("\n") + "\n";
  }
}
