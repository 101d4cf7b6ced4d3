/**
 * One finished MCP request as the telemetry stage's recorders see it (Prometheus in memory, OTLP metrics).
 * @module
 */

/** A finished MCP request. */
export interface CallRecord {
  /** The JSON-RPC method (`unknown` for a body that is none). */
  readonly method: string;
  /** The tool, prompt or resource URI it names. */
  readonly target?: string;
  /** The HTTP status the client got. */
  readonly httpStatus: number;
  /** A 4xx or 5xx status, a JSON-RPC error answer or a failed tool result. */
  readonly error: boolean;
  /** From arrival to the response's headers (ms). */
  readonly durationMs: number;
}

/** Takes finished requests. */
export interface Recorder {
  /** Records one. */
  record(r: CallRecord): void;
}
