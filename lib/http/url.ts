/**
 * Reading a request URL without parsing it: behind thv's listener relay, HTTP/1 requests arrive with an
 * `http+unix://<socket>/<path>` URL, whose origin `new URL` cannot give; only the path and query matter.
 * @module
 */

/** The path and query of an absolute request URL, as a request line carries them: no URL parsing. */
export function pathAndQuery(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash < 0 ? "/" : url.slice(slash);
}

/** The path of an absolute request URL, without its query. */
export function pathOf(url: string): string {
  const target = pathAndQuery(url);
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}
