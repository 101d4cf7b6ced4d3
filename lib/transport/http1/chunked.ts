/**
 * The chunked transfer coding (RFC 9112 §7.1), decoded incrementally: bytes go in as they arrive, split
 * anywhere, and the data comes out as views of them. Chunk extensions and trailers are skipped.
 * @module
 */

const enum State {
  Size,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  TrailerEndLf,
  Done,
}

const CR = 13, LF = 10;

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}

/** Decodes one chunked body. */
export class ChunkedDecoder {
  #state = State.Size;
  #size = 0;
  #digits = 0;
  #remaining = 0;

  /** Whether the last chunk and the trailers have been read. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Decodes `input`, handing each piece of data to `emit` (a view of `input`: copy it to keep it past
   * the next read). Returns how many bytes were consumed: all of them, unless the body ended within
   * `input`. Throws a TypeError on malformed framing.
   */
  push(input: Uint8Array, emit: (data: Uint8Array) => void): number {
    let i = 0;
    while (i < input.length && this.#state !== State.Done) {
      switch (this.#state) {
        case State.Data: {
          const n = Math.min(this.#remaining, input.length - i);
          emit(input.subarray(i, i + n));
          i += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = State.DataCr;
          continue;
        }
        case State.Size: {
          const byte = input[i]!;
          const v = hexValue(byte);
          if (v >= 0) {
            if (++this.#digits > 12) throw new TypeError("Upstream chunk size is too large");
            this.#size = this.#size * 16 + v;
          } else if (this.#digits > 0 && (byte === 59 || byte === 32 || byte === 9)) { // ';', SP, HTAB
            this.#state = State.Extension;
          } else if (this.#digits > 0 && byte === CR) this.#state = State.SizeLf;
          else if (this.#digits > 0 && byte === LF) this.#sizeLineEnded();
          else throw new TypeError("Upstream chunked body has a malformed chunk size");
          break;
        }
        case State.Extension:
          if (input[i] === LF) this.#sizeLineEnded();
          break;
        case State.SizeLf:
          if (input[i] !== LF) throw new TypeError("Upstream chunked body has a malformed chunk size line");
          this.#sizeLineEnded();
          break;
        case State.DataCr:
          if (input[i] === CR) this.#state = State.DataLf;
          else if (input[i] === LF) this.#state = State.Size;
          else throw new TypeError("Upstream chunk is longer than its size");
          break;
        case State.DataLf:
          if (input[i] !== LF) throw new TypeError("Upstream chunk is longer than its size");
          this.#state = State.Size;
          break;
        case State.TrailerStart:
          if (input[i] === CR) this.#state = State.TrailerEndLf;
          else if (input[i] === LF) this.#state = State.Done;
          else this.#state = State.TrailerLine;
          break;
        case State.TrailerLine:
          if (input[i] === LF) this.#state = State.TrailerStart;
          break;
        case State.TrailerEndLf:
          if (input[i] !== LF) throw new TypeError("Upstream chunked body has malformed trailers");
          this.#state = State.Done;
          break;
      }
      i++;
    }
    return i;
  }

  #sizeLineEnded(): void {
    this.#remaining = this.#size;
    this.#state = this.#size === 0 ? State.TrailerStart : State.Data;
    this.#size = 0;
    this.#digits = 0;
  }
}
