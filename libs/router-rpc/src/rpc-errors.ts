/** Why a router call failed; DisconnectService maps each to one HTTP status. */
export class RouterOfflineError extends Error {
  readonly kind = 'offline' as const;
}

/** No reply in time: the router, or the instance holding its socket, is gone or stuck. */
export class RouterTimeoutError extends Error {
  readonly kind = 'timeout' as const;
}

/** The router answered with a JSON-RPC error object. */
export class RouterCallError extends Error {
  readonly kind = 'rpc' as const;
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export type RouterError = RouterOfflineError | RouterTimeoutError | RouterCallError;
