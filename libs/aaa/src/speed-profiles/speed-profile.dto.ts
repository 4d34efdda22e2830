import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BoundedInt, OptionalNullable, PartialDto, TrimmedText } from '../common/validation';

const KBPS_MAX = 100_000_000; // 100 Gbit/s
const YEAR = 31_536_000;

export class CreateSpeedProfileDto {
  @ApiProperty({ example: '10M/2M' }) @TrimmedText(100) name!: string;
  @ApiProperty({ example: 10000 }) @BoundedInt(1, KBPS_MAX) downloadKbps!: number;
  @ApiProperty({ example: 2000 }) @BoundedInt(1, KBPS_MAX) uploadKbps!: number;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(1, KBPS_MAX) burstDownloadKbps?: number | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(1, KBPS_MAX) burstUploadKbps?: number | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(1, 100) burstThresholdPercent?: number | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(1, 3600) burstTimeSeconds?: number | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(60, YEAR) sessionTimeoutSeconds?: number | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(60, YEAR) idleTimeoutSeconds?: number | null;
}

export class UpdateSpeedProfileDto extends PartialDto(CreateSpeedProfileDto) {}
