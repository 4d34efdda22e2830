import { createSocket, Socket } from 'node:dgram';
import { radius, RadiusPacket } from '../../libs/aaa/src/common/radius-lib';

export type NasMode = 'ack' | 'nak' | 'silent';

/** A NAS's RFC 5176 listener on a loopback address: answers Disconnect-Requests per `mode` and records them. */
export class TestNas {
  mode: NasMode = 'ack';
  /** Error-Cause sent with a NAK (RFC 5176 value name). */
  nakCause = 'Session-Context-Not-Found';
  readonly requests: RadiusPacket[] = [];
  port = 0;
  private readonly socket: Socket = createSocket('udp4');

  constructor(
    private readonly secret: string,
    private readonly host = '127.0.0.1',
  ) {}

  async start(): Promise<this> {
    this.socket.on('message', (msg, rinfo) => {
      let packet: RadiusPacket;
      try {
        packet = radius.decode({ packet: msg, secret: this.secret }); // throws on a wrong request authenticator
      } catch {
        return;
      }
      this.requests.push(packet);
      if (this.mode === 'silent' || packet.code !== 'Disconnect-Request') return;
      const reply =
        this.mode === 'ack'
          ? radius.encode_response({ packet, code: 'Disconnect-ACK', secret: this.secret })
          : radius.encode_response({ packet, code: 'Disconnect-NAK', secret: this.secret, attributes: [['Error-Cause', this.nakCause]] });
      this.socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, this.host, resolve));
    this.port = this.socket.address().port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
