/**
 * One line of failure, announced to screen readers as it appears; nothing when there is none.
 * @module
 */

/** Shows `message` as an alert, or nothing. */
export function ErrorLine({ message }: { message: string | undefined }) {
  if (!message) return null;
  return <p class="error" role="alert">{message}</p>;
}
