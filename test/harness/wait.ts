// Condition waits for every kind of test (UI, integration, harness): poll a probe until it
// holds and fail naming what was awaited. Tests wait on conditions, never on fixed sleeps;
// the poll interval only decides how soon a condition that already holds is noticed.

export interface WaitOptions {
  /** Default 30 s: generous, since a loaded machine is slow, and a hang still ends. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
}

/** Resolves with the first value of `probe` that is not undefined, null or false; rejects after
 * `timeoutMs` with "timed out after N ms waiting for <what>" (and the probe's last error). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 100 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
