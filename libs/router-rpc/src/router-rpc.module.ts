import { Module } from '@nestjs/common';
import { AaaModule } from '@app/aaa';
import { RpcBus } from './bus/rpc-bus';
import { CoaClient } from './coa/coa-client';
import { AutoDisconnectListener } from './disconnect/auto-disconnect.listener';
import { DisconnectController } from './disconnect/disconnect.controller';
import { DisconnectService } from './disconnect/disconnect.service';
import { InstanceId, RouterRpcOptions } from './router-rpc.options';
import { RouterChannelRegistry } from './ws/router-channel.registry';
import { RouterPresence } from './ws/router-presence';
import { RouterRevocation } from './ws/router-revocation';
import { RouterSocketServer } from './ws/router-socket.server';

/** The router channel: WebSocket RPC to uspot, RFC 5176 to MikroTik. */
@Module({
  imports: [AaaModule],
  controllers: [DisconnectController],
  providers: [
    InstanceId,
    RouterRpcOptions,
    RouterChannelRegistry,
    RouterPresence,
    RouterRevocation,
    RpcBus,
    RouterSocketServer,
    CoaClient,
    DisconnectService,
    AutoDisconnectListener,
  ],
  exports: [DisconnectService, RouterChannelRegistry, RouterRpcOptions, InstanceId, CoaClient],
})
export class RouterRpcModule {}
