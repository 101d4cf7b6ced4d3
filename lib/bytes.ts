/**
 * Joining byte chunks read from a stream into one array.
 * @module
 */

/** The bytes of `pieces` in one array (the piece itself when there is only one, starting at its buffer's start). */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (pieces.length === 1 && pieces[0]!.byteOffset === 0) return pieces[0] as Uint8Array<ArrayBuffer>;
  let size = 0;
  for (const p of pieces) size += p.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
