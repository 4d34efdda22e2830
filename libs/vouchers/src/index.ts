export * from './vouchers.module';
export * from './voucher-batch.entity';
export * from './code-generator';
export * from './cards-pdf';
export * from './card-text';
