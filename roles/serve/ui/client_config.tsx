/**
 * The client configuration snippet of a running workload, with a button that copies it (the clipboard
 * needs a secure context: on loopback http it is one; elsewhere the text is selected for the user to copy).
 * @module
 */
import { useRef, useState } from "preact/hooks";
import { clientSnippet } from "./snippet.ts";
import type { Workload } from "./types.ts";

/** The snippet of `workload`, or why there is none yet. */
export function ClientConfig({ workload }: { workload: Workload }) {
  const [copied, setCopied] = useState("");
  const code = useRef<HTMLElement>(null);
  if (!workload.url || workload.status !== "running") {
    return (
      <section aria-labelledby="config-title">
        <h3 id="config-title">Client configuration</h3>
        <p class="muted">Shown once {workload.name} is running.</p>
      </section>
    );
  }
  const text = clientSnippet(workload);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("Copied");
    } catch {
      const selection = globalThis.getSelection();
      if (code.current && selection) selection.selectAllChildren(code.current);
      setCopied("Selected: press Ctrl+C to copy");
    }
  };
  return (
    <section aria-labelledby="config-title">
      <div class="bar">
        <h3 id="config-title">Client configuration</h3>
        <button type="button" onClick={copy}>Copy</button>
        <span class="muted" role="status">{copied}</span>
      </div>
      <p class="muted">
        Add this to your MCP client's <code>mcpServers</code>, or let <code>thv client setup</code> write it.
      </p>
      <pre class="snippet"><code ref={code} aria-label={`Client configuration of ${workload.name}`}>{text}</code></pre>
    </section>
  );
}
