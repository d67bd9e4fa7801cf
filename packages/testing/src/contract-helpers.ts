/** Helpers shared by the contract suites (not exported from the package). */
import { isAtvmError } from "@atvm-watch/engine";

const decoder = new TextDecoder();

/** UTF-8 text of `bytes`. */
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** The `AtvmError` code `promise` rejects with, `null` when it resolves, or a note naming a foreign error. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return isAtvmError(error) ? error.code : `not an AtvmError: ${String(error)}`;
  }
}
