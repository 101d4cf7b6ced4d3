/**
 * Running a server from the registry: a search over the registry's servers, and the form of the one chosen.
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf } from "./api.ts";
import { ErrorLine } from "./error_line.tsx";
import { RunForm } from "./run_form.tsx";
import { searchServers } from "./search.ts";
import type { RegistryServer } from "./types.ts";

/** Props of {@linkcode RunPanel}. */
export interface RunPanelProps {
  /** Called with the name of a workload that was created. */
  readonly onCreated: (name: string) => void;
}

/** The registry search and run form. */
export function RunPanel({ onCreated }: RunPanelProps) {
  const [servers, setServers] = useState<readonly RegistryServer[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<RegistryServer | undefined>(undefined);
  useEffect(() => {
    getJson<{ servers: RegistryServer[] }>("/api/v1beta/registry/default/servers")
      .then((r) => setServers(r.servers), (e) => setError(messageOf(e)));
  }, []);
  const found = servers ? searchServers(servers, query) : [];
  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">Run a server from the registry</h2>
      <ErrorLine message={error} />
      <label class="field">
        <span>Search the registry</span>
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      {servers && (
        <ul class="servers" aria-label="Registry servers">
          {found.map((s) => (
            <li key={s.name}>
              <button
                type="button"
                class="server"
                aria-pressed={chosen?.name === s.name}
                onClick={() => setChosen(s)}
              >
                <strong>{s.title ?? s.short_name}</strong> <span class="muted">{s.short_name}</span>
                <span class="description">{s.description}</span>
              </button>
            </li>
          ))}
          {found.length === 0 && <li class="muted">No server matches “{query}”.</li>}
        </ul>
      )}
      {chosen && <RunForm key={chosen.name} server={chosen} onCreated={onCreated} />}
    </section>
  );
}
