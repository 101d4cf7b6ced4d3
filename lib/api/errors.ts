/**
 * How the API answers an error: JSON `{"error": "<one line>"}` with the status, for every route and for
 * what the router itself refuses (unknown path, wrong method, bad body), and the schema of that body.
 * @module
 */
import { z } from "zod";
import type { HttpError } from "../http/mod.ts";

/** The body of every error the API answers. */
export const ApiError = z.object({
  error: z.string().describe("What went wrong and what to do, in one line"),
}).meta({ id: "Error", description: "An error: its message names the field or object and says what to do" });

/** The JSON response of an {@linkcode HttpError}, its header fields kept. */
export function errorResponse(error: HttpError): Response {
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ error: error.message }), { status: error.status, headers });
}

/** The one line of a failed zod parse: the first issue, named by its path under `where` (`body`, `query`). */
export function issueLine(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${where} is not valid`;
  const field = issue.path.length ? `${where}.${issue.path.map(String).join(".")}` : where;
  return `${field}: ${issue.message}`;
}
