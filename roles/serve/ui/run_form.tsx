/**
 * The form that runs one registry server: its name, each environment variable it reads (required ones
 * marked and required; secret ones name a secret of thv's store, offered from its list), the permission
 * profile (the registry's, none or network) and the group. The API's refusal is shown as its line.
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf, send } from "./api.ts";
import { createRequest } from "./create_request.ts";
import { ErrorLine } from "./error_line.tsx";
import type { RegistryServer } from "./types.ts";

/** Props of {@linkcode RunForm}. */
export interface RunFormProps {
  readonly server: RegistryServer;
  readonly onCreated: (name: string) => void;
}

/** The run form of `server`. */
export function RunForm({ server, onCreated }: RunFormProps) {
  const [name, setName] = useState(server.short_name);
  const [env, setEnv] = useState<Record<string, string>>(
    Object.fromEntries(server.env_vars.map((v) => [v.name, v.secret ? "" : v.default ?? ""])),
  );
  const [profile, setProfile] = useState("registry");
  const [group, setGroup] = useState("default");
  const [groups, setGroups] = useState<string[]>(["default"]);
  const [secretKeys, setSecretKeys] = useState<string[]>([]);
  const [secretsNote, setSecretsNote] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const needsSecrets = server.env_vars.some((v) => v.secret);

  useEffect(() => {
    getJson<{ groups: { name: string }[] }>("/api/v1beta/groups")
      .then((r) => setGroups(r.groups.map((g) => g.name)), (e) => setError(messageOf(e)));
    if (needsSecrets) {
      getJson<{ keys: { key: string }[] }>("/api/v1beta/secrets/default/keys")
        .then((r) => setSecretKeys(r.keys.map((k) => k.key)), (e) => setSecretsNote(messageOf(e)));
    }
  }, [needsSecrets]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await send<{ name: string }>(
        "POST",
        "/api/v1beta/workloads",
        createRequest(server, { name, env, profile, group }),
      );
      onCreated(created?.name ?? name);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const id = (v: string) => `env-${v}`;
  return (
    <form class="run" onSubmit={submit} aria-labelledby="form-title">
      <h3 id="form-title">Run {server.title ?? server.short_name}</h3>
      <p class="muted">
        <code>{server.package}</code>, {server.transport}
      </p>
      <label class="field">
        <span>Workload name</span>
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {server.env_vars.length > 0 && (
        <fieldset>
          <legend>Environment</legend>
          {server.env_vars.map((v) => (
            <div class="field" key={v.name}>
              <label for={id(v.name)}>
                <code>{v.name}</code>
                {v.required && <span class="required">required</span>}
                {v.secret && <span class="secret">secret: the name of a secret in thv's store</span>}
              </label>
              <input
                id={id(v.name)}
                required={v.required}
                value={env[v.name] ?? ""}
                list={v.secret ? "secret-keys" : undefined}
                autocomplete="off"
                aria-describedby={`${id(v.name)}-help`}
                onInput={(e) => setEnv({ ...env, [v.name]: e.currentTarget.value })}
              />
              <small id={`${id(v.name)}-help`}>{v.description}</small>
            </div>
          ))}
          {needsSecrets && (
            <datalist id="secret-keys">
              {secretKeys.map((k) => <option key={k} value={k} />)}
            </datalist>
          )}
          {secretsNote && <p class="muted">Secrets: {secretsNote}</p>}
        </fieldset>
      )}
      <div class="row">
        <label class="field">
          <span>Permission profile</span>
          <select value={profile} onChange={(e) => setProfile(e.currentTarget.value)}>
            <option value="registry">as the registry says</option>
            <option value="none">none: no network, no files</option>
            <option value="network">network: outbound network allowed</option>
          </select>
        </label>
        <label class="field">
          <span>Group</span>
          <select value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
            {groups.map((g) => <option key={g} value={g}>{g}</option>)}
          </select>
        </label>
      </div>
      <ErrorLine message={error} />
      <button type="submit" class="primary" disabled={busy}>{busy ? "Starting…" : "Run"}</button>
    </form>
  );
}
