/** The longest an orderly shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * On SIGTERM, SIGINT or SIGHUP: `close()` once (the app with its shutdown hooks, then the
 * embedded database they may still need), then exit 0. A second signal while closing is
 * ignored; a shutdown that hangs exits 1 after SHUTDOWN_DEADLINE_MS.
 */
export function closeOnSignals(close: () => Promise<void>, onError: (err: unknown) => void): void {
  let closing = false;
  const handler = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    close().then(
      () => process.exit(0),
      (err) => {
        onError(err);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, handler);
}
