import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsUUID, Matches } from 'class-validator';
import { BoundedInt, IsDateTime, Optional, PageQuery, TrimmedText } from '@app/aaa';
import { PAPER_SIZES, PaperSize } from './cards-pdf';
import { DEFAULT_ALPHABET, DEFAULT_CODE_LENGTH, MAX_CODE_LENGTH, MIN_CODE_LENGTH } from './code-generator';

export const MAX_BATCH = 10_000;
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value);

export class CreateVoucherBatchDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') planId!: string;
  @ApiProperty({ minimum: 1, maximum: MAX_BATCH }) @BoundedInt(1, MAX_BATCH) count!: number;
  @ApiPropertyOptional({ example: 'CAFE-', description: 'Put before every code (upper-cased): 1-16 of A-Z 0-9 _ -, not starting with -' })
  @Optional()
  @Transform(upper)
  @Matches(/^[A-Z0-9_][A-Z0-9_-]{0,15}$/, { message: 'prefix must be 1-16 characters of A-Z 0-9 _ -, not starting with -' })
  prefix?: string;
  @ApiPropertyOptional({ default: DEFAULT_CODE_LENGTH, minimum: MIN_CODE_LENGTH, maximum: MAX_CODE_LENGTH })
  @Optional()
  @BoundedInt(MIN_CODE_LENGTH, MAX_CODE_LENGTH)
  codeLength?: number;
  @ApiPropertyOptional({
    default: DEFAULT_ALPHABET,
    description:
      'Characters codes are drawn from (upper-cased; no repeats; at least 40 bits per code). The default has no confusable characters.',
  })
  @Optional()
  @Transform(upper)
  @Matches(/^[A-Z0-9_]{2,64}$/, { message: 'alphabet must be 2-64 characters of A-Z 0-9 _' })
  alphabet?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'No voucher of the batch works after this, used or not' })
  @Optional()
  @IsDateTime()
  expiresAt?: Date;
  @ApiPropertyOptional({ maxLength: 500 }) @Optional() @TrimmedText(500) note?: string;
  @ApiPropertyOptional({ maxLength: 100, description: 'Printed on the cards (default: the router named in cards.pdf, else "WiFi")' })
  @Optional()
  @TrimmedText(100)
  venueName?: string;
}

export class RevokeVoucherBatchDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Also disable the vouchers already in use, and disconnect their open sessions',
  })
  @Optional()
  @IsBoolean()
  disconnectActive?: boolean;
}

export class CardsQuery {
  @ApiPropertyOptional({ enum: PAPER_SIZES, default: 'A4' }) @Optional() @Transform(upper) @IsIn(PAPER_SIZES) paper?: PaperSize;
  @ApiPropertyOptional({ format: 'uuid', description: "Router whose venue name the cards show and whose portal the QR code's link names" })
  @Optional()
  @IsUUID('all')
  routerId?: string;
}

export class VoucherBatchQuery extends PageQuery {}

export class VoucherCounts {
  @ApiProperty({ description: 'Never logged in, still usable' }) unused!: number;
  @ApiProperty({ description: 'With an open session now' }) active!: number;
  @ApiProperty({ description: 'Logged in before, offline, still usable' }) started!: number;
  @ApiProperty({ description: "The plan's data or time limit is reached" }) usedUp!: number;
  @ApiProperty({ description: 'Past its validity or the batch expiry' }) expired!: number;
  @ApiProperty({ description: 'Disabled (revoked)' }) revoked!: number;
}

/** What the admin API shows of a batch: never a code. */
export class VoucherBatchView {
  @ApiProperty() id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() count!: number;
  @ApiProperty() prefix!: string;
  @ApiProperty() codeLength!: number;
  @ApiProperty() alphabet!: string;
  @ApiProperty({ nullable: true, type: Date }) expiresAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: String }) venueName!: string | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: VoucherCounts }) counts!: VoucherCounts;
}

export class RevokeResult {
  @ApiProperty({ description: 'Vouchers disabled' }) disabled!: number;
  @ApiProperty({ description: 'Vouchers with open sessions that are being disconnected' }) disconnecting!: number;
}
