/**
 * A workload's server output, followed: one streamed `GET …/logs?follow=true` whose text is appended as it
 * comes (the last 200 000 characters kept), scrolled to the end unless the reader scrolled up. Following
 * can be paused; a broken stream shows its line and can be resumed.
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf, request } from "./api.ts";
import { ErrorLine } from "./error_line.tsx";

const KEEP = 200_000;

/** The followed logs of workload `name`. */
export function LogsView({ name }: { name: string }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [following, setFollowing] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const pre = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    if (!following) return;
    const stop = new AbortController();
    setText("");
    setError(undefined);
    (async () => {
      const res = await request(`/api/v1beta/workloads/${encodeURIComponent(name)}/logs?follow=true`, {
        signal: stop.signal,
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        setText((old) => (old + value).slice(-KEEP));
      }
      setFollowing(false);
    })().catch((e) => {
      if (!stop.signal.aborted) {
        setError(messageOf(e));
        setFollowing(false);
      }
    });
    return () => stop.abort();
  }, [name, following, attempt]);

  useEffect(() => {
    const el = pre.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const onScroll = () => {
    const el = pre.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  return (
    <section aria-labelledby="logs-title">
      <div class="bar">
        <h3 id="logs-title">Logs</h3>
        <span class="muted">{following ? "following" : "paused"}</span>
        <button
          type="button"
          onClick={() => {
            if (!following) setAttempt((n) => n + 1);
            setFollowing(!following);
          }}
        >
          {following ? "Pause" : "Follow"}
        </button>
      </div>
      <ErrorLine message={error} />
      <pre class="logs" ref={pre} onScroll={onScroll} role="log" aria-label={`Logs of ${name}`} tabIndex={0}>
        {text || (following ? "Waiting for output…" : "")}
      </pre>
    </section>
  );
}
