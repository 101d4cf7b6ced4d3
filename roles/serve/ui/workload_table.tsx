/**
 * The workloads, live: the list is loaded again every two seconds (and at once after an action), so the
 * status follows what thv really sees, whichever thv started or stopped them.
 * @module
 */
import { ErrorLine } from "./error_line.tsx";
import type { Workload } from "./types.ts";
import { WorkloadRow } from "./workload_row.tsx";

/** Props of {@linkcode WorkloadTable}. */
export interface WorkloadTableProps {
  readonly workloads: readonly Workload[] | undefined;
  readonly error: string | undefined;
  readonly selected: string | undefined;
  readonly onSelect: (name: string) => void;
  readonly onDone: (error?: string) => void;
}

/** The table of workloads. */
export function WorkloadTable({ workloads, error, selected, onSelect, onDone }: WorkloadTableProps) {
  return (
    <section aria-labelledby="workloads-title">
      <h2 id="workloads-title">Workloads</h2>
      <ErrorLine message={error} />
      {workloads === undefined
        ? <p class="muted">Loading…</p>
        : workloads.length === 0
        ? <p class="muted">No workloads yet: run a server from the registry below.</p>
        : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Group</th>
                <th scope="col">URL</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {workloads.map((w) => (
                <WorkloadRow
                  key={w.name}
                  workload={w}
                  selected={w.name === selected}
                  onSelect={onSelect}
                  onDone={onDone}
                />
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}
