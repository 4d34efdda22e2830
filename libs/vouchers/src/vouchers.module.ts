import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AaaModule, RequestViewer } from '@app/aaa';
import { VoucherBatchesController } from './voucher-batches.controller';
import { VoucherBatchesService } from './voucher-batches.service';
import { VoucherPrint } from './voucher-print.service';
import { VOUCHER_ENTITIES } from './voucher-batch.entity';

/** Hotspot vouchers: batches of plan accounts whose login is a printed code. */
@Module({
  imports: [AaaModule, TypeOrmModule.forFeature(VOUCHER_ENTITIES)],
  controllers: [VoucherBatchesController],
  providers: [VoucherBatchesService, VoucherPrint, RequestViewer],
})
export class VouchersModule {}
