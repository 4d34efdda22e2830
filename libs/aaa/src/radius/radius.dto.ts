import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isIP } from 'node:net';
import { IsIn, IsIP, IsOptional, MaxLength } from 'class-validator';

export class NasQuery {
  @ApiProperty({ description: 'Source IP of the NAS packet (Packet-Src-IP-Address)' })
  @IsIP(undefined, { message: 'nas must be the IP address of the NAS' })
  nas!: string;
}

export class PostAuthQuery extends NasQuery {
  @ApiProperty({ enum: ['accept', 'reject'] }) @IsIn(['accept', 'reject']) result!: 'accept' | 'reject';
  @ApiPropertyOptional({ description: 'control:Aaa-Auth-Reason from authorize' }) @IsOptional() @MaxLength(200) reason?: string;
}

/**
 * `?nas=` / `?ip=` on the per-packet routes: one isIP() instead of a class-transformer
 * and class-validator round per RADIUS packet (they showed up in the profile).
 */
export class IpParamPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: 'nas' | 'ip') {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !isIP(value)) {
      throw new BadRequestException(this.name === 'nas' ? 'nas must be the IP address of the NAS' : 'ip must be an IP address');
    }
    return value;
  }
}
