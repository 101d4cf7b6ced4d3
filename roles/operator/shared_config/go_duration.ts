/**
 * Go's `time.Duration` text (`1m30s`, `500ms`): parsed into nanoseconds and printed back the way Go prints it,
 * for the messages and RunConfig fields that carry ToolHive's durations.
 * @module
 */

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds of a Go duration such as `1m30s`; undefined when the text is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const part = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  const sign = text.startsWith("-") ? -1 : 1;
  if (text.startsWith("-") || text.startsWith("+")) at = 1;
  if (at >= text.length) return undefined;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = part.lastIndex;
  }
  return Math.round(sign * total);
}

/** A duration in nanoseconds as Go prints it: `1m30s`, `2h0m0s`, `500ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${trim(abs / 1e3)}µs`;
  if (abs < 1e9) return `${sign}${trim(abs / 1e6)}ms`;
  const h = Math.floor(abs / 3600e9);
  const m = Math.floor((abs % 3600e9) / 60e9);
  const s = (abs % 60e9) / 1e9;
  if (h > 0) return `${sign}${h}h${m}m${trim(s)}s`;
  if (m > 0) return `${sign}${m}m${trim(s)}s`;
  return `${sign}${trim(s)}s`;
}

const trim = (n: number) => String(Number(n.toFixed(9)));
