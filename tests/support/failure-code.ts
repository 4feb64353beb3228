import { isPermanentFailure } from "@pagewise/core";

/** The code of the PermanentFailure a promise rejects with (any other outcome fails the test). */
export async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isPermanentFailure(error)) return error.code;
    throw error;
  }
  throw new Error("expected a PermanentFailure");
}
