import { ConflictException, Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AdminApi, AuditLog, Role, Session } from '@app/aaa';
import { CoaOutbox, CoaRecord } from './coa-outbox';

@ApiTags('sessions')
@AdminApi()
@Controller('api/sessions')
export class CoaController {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly outbox: CoaOutbox,
    private readonly audit: AuditLog,
  ) {}

  /** Support may: it only repeats what the session should already have. */
  @Role('support')
  @Post(':sessionId/coa')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      'The CoA record: {id, sessionId, reason: manual, createdAt, finishedAt, outcome: ack|nak|timeout|disconnected|unsupported|skipped|failed, errorCause, detail, sent}',
  })
  @ApiNotFoundResponse({ description: 'Unknown session' })
  @ApiConflictResponse({ description: 'Session already stopped' })
  async resend(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<CoaRecord> {
    const session = await this.sessions.findOneBy({ id: sessionId });
    if (!session) throw new NotFoundException('Session not found');
    if (session.stoppedAt) throw new ConflictException('Session is already stopped');
    const record = await this.outbox.runNow({ sessionId, changeId: randomUUID(), reason: 'manual', enforce: false, restriction: null });
    this.audit.describe({
      targetType: 'session',
      targetId: sessionId,
      after: { coa: record.outcome, errorCause: record.errorCause, sent: record.sent },
    });
    return record;
  }
}
