/** A start-up failure the operator can fix from one line: printed as is, without a stack trace. */
export class StartupError extends Error {}

export interface Listener {
  /** The variables that choose this listener's port and address. */
  portVar: string;
  hostVar: string;
  host: string;
  port: number;
}

/**
 * One line naming the variable to change when a listener cannot bind, or undefined
 * for any other error. Node's listen errors carry the port they failed on.
 */
export function explainListenError(err: unknown, listeners: Listener[]): StartupError | undefined {
  const e = err as { code?: string; port?: number; address?: string } | undefined;
  if (!e || typeof e.port !== 'number' || !['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes(e.code ?? '')) return undefined;
  // Port 0 (any free port) never clashes, so a listener with port 0 is never the culprit.
  const hits = listeners.filter((l) => l.port === e.port && (!e.address || l.host === e.address || ['0.0.0.0', '::'].includes(l.host)));
  const culprits = hits.length ? hits : listeners.filter((l) => l.port === e.port);
  if (!culprits.length) return undefined;
  const where = `${e.address ?? culprits[0].host}:${e.port}`;
  const ports = culprits.map((l) => l.portVar).join(' or ');
  switch (e.code) {
    case 'EADDRINUSE':
      return new StartupError(
        culprits.length > 1
          ? `Cannot listen on ${where}: ${culprits.map((l) => l.portVar).join(' and ')} are both ${e.port}; give them different ports.`
          : `Cannot listen on ${where}: the port is already in use by another process (another instance?). Set ${ports} to a free port.`,
      );
    case 'EACCES':
      return new StartupError(
        `Cannot listen on ${where}: permission denied (ports below 1024 need root). Set ${ports} to a port above 1023.`,
      );
    default:
      return new StartupError(
        `Cannot listen on ${where}: no such address on this machine. Set ${culprits.map((l) => l.hostVar).join(' or ')} to one of its addresses.`,
      );
  }
}
