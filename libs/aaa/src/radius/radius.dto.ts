import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class ClientQuery {
  @ApiProperty({ description: 'Source IP of an unknown client' })
  @IsIP(undefined, { message: 'ip must be an IP address' })
  ip!: string;
}
