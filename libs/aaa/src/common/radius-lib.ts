/**
 * The `radius` package ships no types; this is the slice we use. Declared locally (not as a
 * global `declare module`) so it cannot clash with other libs' declarations.
 */
export type RadiusAttribute = [string | number, unknown] | [string | number, unknown, unknown];

export interface RadiusPacket {
  code: string;
  identifier: number;
  attributes: Record<string, unknown>;
  raw_attributes?: unknown[];
}

export interface RadiusLib {
  encode(args: {
    code: string;
    secret: string;
    identifier?: number;
    attributes?: RadiusAttribute[];
    add_message_authenticator?: boolean;
  }): Buffer;
  encode_response(args: { packet: RadiusPacket; code: string; secret: string; attributes?: RadiusAttribute[] }): Buffer;
  decode(args: { packet: Buffer; secret: string }): RadiusPacket;
  verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const radius: RadiusLib = require('radius');
