/**
 * The selected workload: its package and transport, its client configuration and its followed logs.
 * @module
 */
import { ClientConfig } from "./client_config.tsx";
import { LogsView } from "./logs_view.tsx";
import type { Workload } from "./types.ts";

/** The details of `workload`; `onClose` deselects it. */
export function WorkloadDetails({ workload, onClose }: { workload: Workload; onClose: () => void }) {
  return (
    <section class="details" aria-labelledby="details-title">
      <div class="bar">
        <h2 id="details-title">{workload.name}</h2>
        <button type="button" onClick={onClose}>Close</button>
      </div>
      <dl>
        <dt>Package</dt>
        <dd>
          <code>{workload.package}</code>
        </dd>
        <dt>Transport</dt>
        <dd>{workload.transport_type}, offered as {workload.proxy_mode}</dd>
        <dt>Runs in</dt>
        <dd>{workload.runtime}</dd>
      </dl>
      <ClientConfig workload={workload} />
      <LogsView key={workload.name} name={workload.name} />
    </section>
  );
}
