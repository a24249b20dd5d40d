/** What `within` answers when the work did not finish in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * The work's result if it settles within `ms`, else TIMED_OUT (the work goes on, unawaited; a
 * later failure of it is handled here, never unhandled). Readers of the records database use it
 * so that a slow database delays nothing that must answer now.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
