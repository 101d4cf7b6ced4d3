/**
 * One workload in the table: its name, status (with why), group and URL, and its actions: details (logs
 * and client configuration), stop, start/restart, and remove (asked twice).
 * @module
 */
import { useState } from "preact/hooks";
import { messageOf, send } from "./api.ts";
import { StatusBadge } from "./status_badge.tsx";
import type { Workload } from "./types.ts";

/** Props of {@linkcode WorkloadRow}. */
export interface WorkloadRowProps {
  readonly workload: Workload;
  readonly selected: boolean;
  readonly onSelect: (name: string) => void;
  /** Called after an action, with its failure's line when it failed. */
  readonly onDone: (error?: string) => void;
}

const path = (name: string) => `/api/v1beta/workloads/${encodeURIComponent(name)}`;

/** The row of one workload. */
export function WorkloadRow({ workload: w, selected, onSelect, onDone }: WorkloadRowProps) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await what();
      onDone();
    } catch (e) {
      onDone(messageOf(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const running = w.status === "running" || w.status === "starting" || w.status === "unhealthy";
  return (
    <tr class={selected ? "selected" : undefined} data-workload={w.name}>
      <th scope="row">
        <button type="button" class="link" aria-pressed={selected} onClick={() => onSelect(w.name)}>{w.name}</button>
      </th>
      <td>
        <StatusBadge status={w.status} />
        {w.status_context && <span class="context">{w.status_context}</span>}
      </td>
      <td>{w.group}</td>
      <td class="url">{w.url ? <code>{w.url}</code> : <span class="muted">none yet</span>}</td>
      <td class="actions">
        {running && (
          <button
            type="button"
            aria-label={`Stop ${w.name}`}
            disabled={busy}
            onClick={() => act(() => send("POST", `${path(w.name)}/stop`))}
          >
            Stop
          </button>
        )}
        <button
          type="button"
          aria-label={`${running ? "Restart" : "Start"} ${w.name}`}
          disabled={busy}
          onClick={() => act(() => send("POST", `${path(w.name)}/restart`))}
        >
          {running ? "Restart" : "Start"}
        </button>
        {confirming
          ? (
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => act(() => send("DELETE", path(w.name)))}
            >
              Remove {w.name}?
            </button>
          )
          : (
            <button type="button" aria-label={`Remove ${w.name}`} disabled={busy} onClick={() => setConfirming(true)}>
              Remove
            </button>
          )}
      </td>
    </tr>
  );
}
