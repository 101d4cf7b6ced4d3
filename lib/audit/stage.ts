/**
 * The audit stage, outermost in the chain (so a 401 from authentication and a 403 from authorization are
 * audited too): one event per MCP operation of a request, written once its answer is known. Identity is read
 * after the inner stages ran (authentication sets it). The answer's body is read only when the config asks
 * for application-error detection or response data, and then only as it passes: a stream keeps streaming,
 * and its event is written when the stream ends.
 * @module
 */
import type { ChainDeps, Stage } from "../middleware/mod.ts";
import { type McpOperation, operationOf, type ProxyCall } from "../mcp_call/mod.ts";
import type { Message } from "../transport/mod.ts";
import type { RunConfig } from "../run_config.ts";
import { audits, type AuditSettings, auditSettingsOf } from "./config.ts";
import {
  type AuditEvent,
  cappedData,
  delegationOf,
  eventTypeOf,
  type Outcome,
  outcomeOf,
  subjectsOf,
  targetOf,
} from "./event.ts";
import { answeredMessages, errorInAnswer } from "./response.ts";
import { type AuditSink, fileSink, logSink } from "./sink.ts";

/** The RunConfig keys the stage enforces. */
export const AUDIT_KEYS = ["audit_config", "audit_config_path"] as const;

/** Bytes of an answer kept for error detection when no response data is recorded. */
const DETECTION_BYTES = 8 * 1024;

/** Options of {@linkcode auditStage} besides the chain's deps. */
export interface AuditStageOptions {
  /** The clock; default `() => new Date()`. */
  readonly now?: () => Date;
}

/** What the stage knows of one request once its answer has begun. */
interface Answered {
  readonly status: number;
  readonly contentType: string;
  /** The first bytes of the body, when they were kept. */
  readonly prefix?: string;
  readonly bytes?: number;
}

/** The stage `config` asks for, or undefined when audit is off. */
export async function auditStage(
  config: RunConfig,
  deps: ChainDeps,
  options: AuditStageOptions = {},
): Promise<Stage | undefined> {
  const settings = await auditSettingsOf(config, deps.readTextFile ?? Deno.readTextFile);
  if (!settings) return undefined;
  const sink = settings.logFile ? await fileSink(settings.logFile, deps.log) : logSink(deps.log);
  const now = options.now ?? (() => new Date());
  const record = recorder(config, settings, sink, now);
  const keepBytes = settings.includeResponseData
    ? Math.max(settings.maxDataSize, settings.detectApplicationErrors ? DETECTION_BYTES : 0)
    : settings.detectApplicationErrors
    ? DETECTION_BYTES
    : 0;
  return {
    middleware: (next) => async (call) => {
      // What the client asked, before a mutating webhook rewrites it.
      const messages = call.messages;
      let res: Response;
      try {
        res = await next(call);
      } catch (e) {
        record(call, messages, { status: 500, contentType: "" });
        throw e;
      }
      const contentType = res.headers.get("content-type") ?? "";
      const streamOpen = call.request.method === "GET" && contentType.includes("text/event-stream");
      if (streamOpen || !res.body || keepBytes === 0 || res.status < 200 || res.status >= 300) {
        record(call, messages, { status: res.status, contentType }, streamOpen);
        return res;
      }
      return observed(res, keepBytes, (prefix, bytes) => {
        record(call, messages, { status: res.status, contentType, prefix, bytes });
      });
    },
    close: () => sink.close(),
  };
}

/** `res` with a body that passes chunk by chunk, keeping its first `keep` bytes; `done` runs once at its end. */
function observed(res: Response, keep: number, done: (prefix: string, bytes: number) => void): Response {
  const reader = res.body!.getReader();
  const kept = new Uint8Array(keep);
  let length = 0;
  let total = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done(new TextDecoder().decode(kept.subarray(0, length)), total);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        finish();
        controller.error(e);
        return;
      }
      if (chunk.done) {
        finish();
        controller.close();
        return;
      }
      const value = chunk.value;
      total += value.byteLength;
      if (length < keep) {
        const n = Math.min(keep - length, value.byteLength);
        kept.set(value.subarray(0, n), length);
        length += n;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The client address: the first X-Forwarded-For hop when the proxy trusts such headers. */
function sourceOf(call: ProxyCall, trustProxyHeaders: boolean): AuditEvent["source"] {
  const headers = call.request.headers;
  const forwarded = trustProxyHeaders
    ? headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || undefined
    : undefined;
  const extra: Record<string, string> = {};
  const userAgent = headers.get("user-agent");
  if (userAgent) extra.user_agent = userAgent;
  const requestId = headers.get("x-request-id");
  if (requestId) extra.request_id = requestId;
  if (call.sessionId) extra.session_id = call.sessionId;
  return { type: "network", value: forwarded ?? "unknown", ...(Object.keys(extra).length ? { extra } : {}) };
}

/** Writes the events of one answered request. */
function recorder(config: RunConfig, settings: AuditSettings, sink: AuditSink, now: () => Date) {
  return (call: ProxyCall, messages: readonly Message[], answer: Answered, streamOpen = false) => {
    const durationMs = Math.round(performance.now() - call.started);
    const ops: Array<{ op: McpOperation | undefined; message: Message | undefined }> = messages
      .map((message) => ({ op: operationOf(message), message }))
      .filter((o) => o.op !== undefined);
    // A request with no operation (a client's answers to the server, a DELETE, an unparsable body) is one event.
    if (ops.length === 0) ops.push({ op: undefined, message: messages.length === 1 ? messages[0] : undefined });
    const answers = settings.includeResponseData && answer.prefix !== undefined
      ? answeredMessages(answer.prefix, answer.contentType)
      : [];
    for (const { op, message } of ops) {
      const type = streamOpen
        ? "sse_connection"
        : op
        ? eventTypeOf(op.method)
        : messages.length > 0
        ? "mcp_request"
        : "http_request";
      // `sse_connection` cannot be named in the lists (as in ToolHive): an include list leaves it out.
      if (streamOpen ? settings.eventTypes.size > 0 : !audits(settings, type)) continue;
      let outcome: Outcome = outcomeOf(answer.status);
      const extra: Record<string, unknown> = {
        duration_ms: durationMs,
        transport: config.transport,
        status_code: answer.status,
      };
      if (answer.bytes !== undefined && settings.includeResponseData) extra.response_size_bytes = answer.bytes;
      if (outcome === "success" && settings.detectApplicationErrors && answer.prefix !== undefined && op) {
        const error = errorInAnswer(answer.prefix, answer.contentType, op.id ?? undefined);
        if (error) {
          outcome = "application_error";
          extra.jsonrpc_error_code = error.code;
          extra.jsonrpc_error_message = error.message;
        }
      }
      const clientInfo = op?.method === "initialize"
        ? (message?.params as { clientInfo?: { name?: unknown; version?: unknown } } | undefined)?.clientInfo
        : undefined;
      const data: Record<string, unknown> = {};
      if (settings.includeRequestData && message) {
        const capped = cappedData(message, settings.maxDataSize);
        data.request = capped.value;
        if (capped.truncated) data.request_truncated = true;
      }
      if (settings.includeResponseData) {
        const mine = answers.find((m) => op?.id !== undefined && m.id === op.id) ??
          (answers.length === 1 ? answers[0] : undefined);
        if (mine) {
          const capped = cappedData(mine, settings.maxDataSize);
          data.response = capped.value;
          if (capped.truncated) data.response_truncated = true;
        }
      }
      const delegation = delegationOf(call.identity.claims, settings.maxDelegationDepth);
      const event: AuditEvent = {
        metadata: { auditId: crypto.randomUUID(), extra },
        type,
        loggedAt: now().toISOString(),
        source: sourceOf(call, config.trust_proxy_headers),
        outcome,
        subjects: subjectsOf(call.identity, clientInfo),
        ...(delegation.length > 0 ? { delegation } : {}),
        component: settings.component,
        target: targetOf(op, call.path, call.request.method),
        ...(Object.keys(data).length > 0 ? { data } : {}),
      };
      sink.write(event);
    }
  };
}
