// Minimal typing for the parts of the `radius` package the latency probe uses.
declare module 'radius' {
  interface EncodeArgs {
    code: string;
    secret: string;
    identifier: number;
    attributes: [string, string | number | Buffer | Date][];
    add_message_authenticator?: boolean;
  }
  interface Decoded {
    code: string;
    identifier: number;
  }
  export function encode(args: EncodeArgs): Buffer;
  export function decode(args: { packet: Buffer; secret: string }): Decoded;
}
