import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminApi, RequestViewer, Role } from '@app/aaa';
import {
  CardsQuery,
  CreateVoucherBatchDto,
  RevokeResult,
  RevokeVoucherBatchDto,
  VoucherBatchQuery,
  VoucherBatchView,
} from './voucher-batch.dto';
import { VoucherBatchesService } from './voucher-batches.service';
import { VoucherPrint } from './voucher-print.service';

@ApiTags('voucher-batches')
@AdminApi()
@Controller('api/voucher-batches')
export class VoucherBatchesController {
  constructor(
    private readonly batches: VoucherBatchesService,
    private readonly print: VoucherPrint,
    private readonly viewer: RequestViewer,
  ) {}

  @Role('admin')
  @Post()
  @ApiCreatedResponse({
    type: VoucherBatchView,
    description: 'The batch with its counts; the codes only through vouchers.csv and cards.pdf',
  })
  create(@Body() dto: CreateVoucherBatchDto) {
    return this.batches.create(dto);
  }

  @Role('readonly')
  @Get()
  list(@Query() q: VoucherBatchQuery) {
    return this.batches.list(q);
  }

  @Role('readonly')
  @Get(':id')
  @ApiOkResponse({ type: VoucherBatchView })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.batches.get(id);
  }

  /** Codes are secrets: reading them needs the role that can create them. */
  @Role('admin')
  @Get(':id/vouchers.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'code, plan, validity, status, expires_at, first_login_at', schema: { type: 'string' } })
  async csv(@Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const body = await this.print.csv(id);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="vouchers-${id}.csv"`)
      .header('cache-control', 'no-store')
      .send(body);
  }

  @Role('admin')
  @Get(':id/cards.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'Printable cards, 10 per page', schema: { type: 'string', format: 'binary' } })
  async cards(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: CardsQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const view = this.viewer.view(req);
    const pdf = await this.print.pdf(id, { paper: q.paper ?? 'A4', routerId: q.routerId, portalBase: view.origin + view.pathPrefix });
    reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="vouchers-${id}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  }

  @Role('admin')
  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokeResult })
  revoke(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RevokeVoucherBatchDto) {
    return this.batches.revoke(id, dto.disconnectActive ?? false);
  }
}
