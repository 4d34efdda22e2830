import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminApi, Role } from '@app/aaa';
import { DisconnectService } from './disconnect.service';

@ApiTags('sessions')
@AdminApi()
@Controller('api/sessions')
export class DisconnectController {
  constructor(private readonly service: DisconnectService) {}

  @Role('support')
  @Post(':sessionId/disconnect')
  @HttpCode(200)
  @ApiOkResponse({ description: '{sessionId, routerId, method: websocket|coa, outcome: ack, stoppedAt}' })
  @ApiNotFoundResponse({ description: 'Unknown session' })
  @ApiConflictResponse({ description: 'Session already stopped' })
  @ApiBadGatewayResponse({ description: 'Router refused (Disconnect-NAK or RPC error)' })
  @ApiServiceUnavailableResponse({ description: 'Router offline or unreachable; session unchanged' })
  disconnect(@Param('sessionId', ParseUUIDPipe) sessionId: string) {
    return this.service.disconnect(sessionId);
  }
}
