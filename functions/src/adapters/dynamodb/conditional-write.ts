import { isConditionalCheckFailed } from './table.ts';

/**
 * Runs a write that carries a condition and says whether it happened: true when written, false when the
 * condition did not hold (another request got there first); any other failure is thrown. Stores answer their
 * ports' "did it happen" with this instead of each keeping its own try/catch.
 */
export async function conditionalWrite(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}
