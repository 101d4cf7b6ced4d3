/**
 * The tools a proxy lets clients see and call (RunConfig `tools_filter` and `tools_override`), as ToolHive's
 * tool-filter and tool-call-filter middleware: a `tools/list` answer keeps only the allowed tools, renamed and
 * re-described by the override; a `tools/call` under a client-facing name goes to the server under the
 * server's name; a call to a tool not allowed (or to the server's name of a renamed tool) is refused without
 * reaching the server. As in ToolHive, the filter names tools as clients see them: the override's name for a
 * renamed tool. Only `tools/list` and `tools/call` are looked at; every other message passes untouched.
 * @module
 */
import { errorResponse, type Message, type Request } from "./jsonrpc.ts";

/** What a tool is shown as instead. */
export interface ToolOverride {
  /** The name clients see. */
  readonly name?: string;
  /** The description clients see. */
  readonly description?: string;
  /** MCP annotations that replace the server's, field by field (`title`, `readOnlyHint`, …). */
  readonly annotations?: Readonly<Record<string, string | boolean>>;
}

/** The tool settings of a RunConfig. */
export interface ToolsConfig {
  /** Tools clients may see and call, by the names clients see; absent or empty: all. */
  readonly tools_filter?: readonly string[] | undefined;
  /** Server tool name → what clients see instead. */
  readonly tools_override?: Readonly<Record<string, ToolOverride>> | undefined;
}

/** What {@linkcode ToolFilter.call} decided: the request to forward, or the error answer to give. */
export type CallDecision = { readonly forward: Request } | { readonly refuse: Message };

/** The JSON-RPC code of a refused call: the MCP spec's code for an unknown tool. */
export const UNKNOWN_TOOL = -32602;

/** The filter and override of one proxy; build it with {@linkcode ToolFilter.of}. */
export class ToolFilter {
  readonly #allowed: ReadonlySet<string> | undefined;
  readonly #override: ReadonlyMap<string, ToolOverride>;
  /** Client-facing name → server name, for renamed tools. */
  readonly #serverName = new Map<string, string>();
  /** Server names that clients see under another name. */
  readonly #renamedAway = new Set<string>();

  private constructor(config: ToolsConfig) {
    const filter = config.tools_filter ?? [];
    this.#allowed = filter.length ? new Set(filter) : undefined;
    this.#override = new Map(Object.entries(config.tools_override ?? {}));
    for (const [server, o] of this.#override) {
      const client = o.name || server;
      const taken = this.#serverName.get(client);
      if (taken !== undefined) {
        throw new TypeError(
          `tools_override gives tools ${taken} and ${server} the same name ${client}: give each tool its own name`,
        );
      }
      this.#serverName.set(client, server);
      if (client !== server) this.#renamedAway.add(server);
    }
    for (const name of filter) {
      if (this.#renamedAway.has(name) && !this.#serverName.has(name)) {
        const client = this.#override.get(name)!.name;
        throw new TypeError(
          `tools_filter names tool ${name}, which tools_override renames to ${client}: name it ${client} in the filter`,
        );
      }
    }
  }

  /** The filter of a RunConfig; undefined when it has neither a filter nor an override. Throws a one-line TypeError. */
  static of(config: ToolsConfig): ToolFilter | undefined {
    const some = (config.tools_filter?.length ?? 0) > 0 || Object.keys(config.tools_override ?? {}).length > 0;
    return some ? new ToolFilter(config) : undefined;
  }

  /** Whether `message` is a request this filter must see (`tools/call`) or whose answer it must rewrite (`tools/list`). */
  static concerns(method: string | undefined): method is "tools/call" | "tools/list" {
    return method === "tools/call" || method === "tools/list";
  }

  /** The server's name of the tool clients call `client`; undefined when clients may not call it. */
  serverNameOf(client: string): string | undefined {
    if (this.#allowed && !this.#allowed.has(client)) return undefined;
    const renamed = this.#serverName.get(client);
    if (renamed !== undefined) return renamed;
    return this.#renamedAway.has(client) ? undefined : client;
  }

  /** A `tools/call` request: forwarded under the server's tool name, or refused. */
  call(request: Request): CallDecision {
    const name = request.params?.name;
    const server = typeof name === "string" ? this.serverNameOf(name) : undefined;
    if (server === undefined) {
      const message = `Unknown tool: ${typeof name === "string" ? name : "(no name)"}`;
      return { refuse: errorResponse(request.id, UNKNOWN_TOOL, message) };
    }
    if (server === name) return { forward: request };
    return { forward: { ...request, params: { ...request.params, name: server } } };
  }

  /** A `tools/list` result (`{tools: [...]}`) as clients may see it; anything else unchanged. */
  listResult(result: unknown): unknown {
    const tools = (result as { tools?: unknown })?.tools;
    if (!Array.isArray(tools)) return result;
    const shown: unknown[] = [];
    for (const tool of tools) {
      const name = (tool as { name?: unknown })?.name;
      if (typeof name !== "string") continue;
      const o = this.#override.get(name);
      const client = o?.name || name;
      // A tool another tool's override took the name of is hidden: calls under that name go to the other.
      const owner = this.#serverName.get(client);
      if (owner !== undefined && owner !== name) continue;
      if (this.#allowed && !this.#allowed.has(client)) continue;
      shown.push(o ? shownAs(tool as Record<string, unknown>, client, o) : tool);
    }
    return { ...(result as object), tools: shown };
  }

  /** A response as clients may see it: a `tools/list` result rewritten; an error or other result unchanged. */
  response(message: Message): Message {
    if (!("result" in message)) return message;
    const result = this.listResult(message.result);
    return result === message.result ? message : { ...message, result };
  }
}

/** `tool` as clients see it under `override`: renamed, re-described, its annotations replaced field by field. */
function shownAs(tool: Record<string, unknown>, name: string, override: ToolOverride): Record<string, unknown> {
  const annotations = override.annotations && Object.keys(override.annotations).length > 0
    ? { annotations: { ...(tool.annotations as object | undefined), ...override.annotations } }
    : {};
  return { ...tool, name, ...(override.description ? { description: override.description } : {}), ...annotations };
}
