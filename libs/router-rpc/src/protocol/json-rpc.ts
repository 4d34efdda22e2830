/**
 * JSON-RPC 2.0 framing shared by the server and the reference agent (no Nest imports:
 * the agent runs on the router). See docs/router-protocol.md.
 */
export type RpcId = string | number;

export interface RpcRequest {
  jsonrpc: '2.0';
  id?: RpcId;
  method: string;
  params?: unknown;
}

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

export interface RpcResponse {
  jsonrpc: '2.0';
  id: RpcId | null;
  result?: unknown;
  error?: RpcErrorBody;
}

export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
} as const;

/** What one inbound frame turned out to be; `invalid` carries the error reply to send back. */
export type Inbound =
  | { kind: 'request'; msg: RpcRequest & { id: RpcId } }
  | { kind: 'notification'; msg: RpcRequest }
  | { kind: 'response'; msg: RpcResponse & { id: RpcId } }
  | { kind: 'invalid'; reply: RpcResponse };

const isId = (v: unknown): v is RpcId => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

export function errorReply(id: RpcId | null, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

export function resultReply(id: RpcId, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result };
}

/** Classifies a text frame; never throws, so a bad frame can only ever earn an error reply. */
export function parseFrame(text: string): Inbound {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reply: errorReply(null, RPC_ERRORS.parse, 'Parse error') };
  }
  if (Array.isArray(value)) {
    // Batches are legal JSON-RPC but neither side ever needs them: keep the protocol small.
    return { kind: 'invalid', reply: errorReply(null, RPC_ERRORS.invalidRequest, 'Invalid Request: batches are not supported') };
  }
  if (typeof value !== 'object' || value === null) {
    return { kind: 'invalid', reply: errorReply(null, RPC_ERRORS.invalidRequest, 'Invalid Request: not an object') };
  }
  const m = value as Record<string, unknown>;
  const id = isId(m.id) ? m.id : null;
  if (m.jsonrpc !== '2.0') {
    return { kind: 'invalid', reply: errorReply(id, RPC_ERRORS.invalidRequest, 'Invalid Request: jsonrpc must be "2.0"') };
  }
  if (m.id !== undefined && m.id !== null && !isId(m.id)) {
    return { kind: 'invalid', reply: errorReply(null, RPC_ERRORS.invalidRequest, 'Invalid Request: id must be a string or number') };
  }
  if (typeof m.method === 'string') {
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null)) {
      return { kind: 'invalid', reply: errorReply(id, RPC_ERRORS.invalidRequest, 'Invalid Request: params must be an object or array') };
    }
    return id === null
      ? { kind: 'notification', msg: m as unknown as RpcRequest }
      : { kind: 'request', msg: m as unknown as RpcRequest & { id: RpcId } };
  }
  const hasResult = 'result' in m;
  const err = m.error as RpcErrorBody | undefined;
  const validError = typeof err === 'object' && err !== null && typeof err.code === 'number' && typeof err.message === 'string';
  if (id !== null && hasResult !== 'error' in m && (hasResult || validError)) {
    return { kind: 'response', msg: m as unknown as RpcResponse & { id: RpcId } };
  }
  return { kind: 'invalid', reply: errorReply(id, RPC_ERRORS.invalidRequest, 'Invalid Request: neither a call nor a response') };
}

/** Canonical MAC form sent to routers: lowercase, colon-separated (uspot 2025+ stores it so). */
export function normalizeMac(raw: string): string | null {
  const hex = raw.replace(/[^0-9a-fA-F]/g, '');
  if (hex.length !== 12) return null;
  return hex.toLowerCase().match(/../g)!.join(':');
}

export interface ClientRemoveParams {
  uspot: string;
  address: string;
}
