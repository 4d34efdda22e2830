import { Module } from '@nestjs/common';
import { AaaModule } from '@app/aaa';
import { RpcBus } from './bus/rpc-bus';
import { CoaClient } from './coa/coa-client';
import { CoaOutbox } from './coa/coa-outbox';
import { CoaController } from './coa/coa.controller';
import { LiveChangeListener } from './coa/live-change.listener';
import { LiveChangeService } from './coa/live-change.service';
import { AutoDisconnectListener } from './disconnect/auto-disconnect.listener';
import { DisconnectController } from './disconnect/disconnect.controller';
import { DisconnectService } from './disconnect/disconnect.service';
import { InstanceId, RouterRpcOptions } from './router-rpc.options';
import { RouterChannelRegistry } from './ws/router-channel.registry';
import { RouterPresence } from './ws/router-presence';
import { RouterRevocation } from './ws/router-revocation';
import { RouterSocketServer } from './ws/router-socket.server';

/** The router channel: WebSocket RPC to uspot, RFC 5176 Disconnect and CoA to routers. */
@Module({
  imports: [AaaModule],
  controllers: [DisconnectController, CoaController],
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
    LiveChangeService,
    CoaOutbox,
    LiveChangeListener,
  ],
  exports: [DisconnectService, RouterChannelRegistry, RouterRpcOptions, InstanceId, CoaClient],
})
export class RouterRpcModule {}
