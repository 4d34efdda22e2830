import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TrimmedText } from '../common/validation';

const KBPS_MAX = 100_000_000; // 100 Gbit/s

export class CreateSpeedProfileDto {
  @ApiProperty({ example: '10M/2M' }) @TrimmedText(100) name!: string;
  @ApiProperty({ example: 10000 }) @IsInt() @Min(1) @Max(KBPS_MAX) downloadKbps!: number;
  @ApiProperty({ example: 2000 }) @IsInt() @Min(1) @Max(KBPS_MAX) uploadKbps!: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(KBPS_MAX) burstDownloadKbps?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(KBPS_MAX) burstUploadKbps?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @IsOptional() @IsInt() @Min(1) @Max(100) burstThresholdPercent?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(3600) burstTimeSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(60) @Max(31_536_000) sessionTimeoutSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(60) @Max(31_536_000) idleTimeoutSeconds?: number;
}

export class UpdateSpeedProfileDto extends PartialType(CreateSpeedProfileDto) {}
