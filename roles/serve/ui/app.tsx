/**
 * The web UI of thv serve: the live workloads table, the selected workload's details (client
 * configuration, followed logs) and the registry's run form.
 * @module
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { getJson } from "./api.ts";
import { ErrorLine } from "./error_line.tsx";
import { RunPanel } from "./run_panel.tsx";
import type { Workload } from "./types.ts";
import { usePoll } from "./use_poll.ts";
import { WorkloadDetails } from "./workload_details.tsx";
import { WorkloadTable } from "./workload_table.tsx";

/** How often the workloads are loaded again. */
const POLL_MS = 2000;

const loadWorkloads = (signal: AbortSignal) =>
  getJson<{ workloads: Workload[] }>("/api/v1beta/workloads?all=true", signal).then((r) => r.workloads);

/** The whole page. */
export function App() {
  const workloads = usePoll(loadWorkloads, POLL_MS);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState("");
  useEffect(() => {
    getJson<{ version: string }>("/api/v1beta/version").then((r) => setVersion(r.version), () => {});
  }, []);
  const onDone = useCallback((error?: string) => {
    setActionError(error);
    workloads.refresh();
  }, [workloads.refresh]);
  const onCreated = useCallback((name: string) => {
    setActionError(undefined);
    setSelected(name);
    workloads.refresh();
  }, [workloads.refresh]);
  const current = workloads.data?.find((w) => w.name === selected);
  return (
    <>
      <header>
        <h1>thv</h1>
        <span class="muted">MCP servers on this machine{version && ` · thv ${version}`}</span>
      </header>
      <main>
        <ErrorLine message={actionError} />
        <WorkloadTable
          workloads={workloads.data}
          error={workloads.error}
          selected={selected}
          onSelect={(name) => setSelected(name === selected ? undefined : name)}
          onDone={onDone}
        />
        {current && <WorkloadDetails workload={current} onClose={() => setSelected(undefined)} />}
        <RunPanel onCreated={onCreated} />
      </main>
    </>
  );
}
