import { Module } from '@nestjs/common';

/** The router channel: WebSocket RPC to uspot, RFC 5176 to MikroTik. */
@Module({})
export class RouterRpcModule {}
