/**
 * Bad input that only lib can judge (a RangeError, style.md) answered as a 400 with lib's message, instead of
 * the bare 500 any other error gets.
 * @module
 */
import { HttpError } from "../../../lib/http/mod.ts";

/** The result of `fn`; a RangeError it throws becomes a 400 with its message. */
export async function badInputAs400<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RangeError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}
