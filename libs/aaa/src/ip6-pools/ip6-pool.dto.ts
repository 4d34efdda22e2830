import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isIpv6Cidr } from '../common/ip';
import { TrimmedText } from '../common/validation';
import { IP6_ASSIGN_LENGTHS, IP6_POOL_PURPOSES, Ip6PoolPurpose } from './ip6-pool.entity';

/** Shortest pool prefix: a /16 holds 2^48 /64s, far more than any ISP hands out. */
export const IP6_POOL_MIN_LENGTH = 16;

@ValidatorConstraint({ name: 'ip6PoolPrefix' })
class Ip6PoolPrefix implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isIpv6Cidr(value) && Number(value.split('/')[1]) >= IP6_POOL_MIN_LENGTH;
  }
  defaultMessage(): string {
    return `prefix must be an IPv6 network with a length from /${IP6_POOL_MIN_LENGTH}, no bits set after it, e.g. 2001:db8::/40`;
  }
}

export class CreateIp6PoolDto {
  @ApiProperty({ example: 'pppoe-pd' }) @TrimmedText(100) name!: string;
  @ApiProperty({ example: '2001:db8::/40' }) @IsString() @Validate(Ip6PoolPrefix) prefix!: string;
  @ApiProperty({ enum: IP6_ASSIGN_LENGTHS, description: 'Length of each prefix handed out; longer than the pool prefix' })
  @IsIn(IP6_ASSIGN_LENGTHS, { message: `assignLength must be one of ${IP6_ASSIGN_LENGTHS.join(', ')}` })
  assignLength!: number;
  @ApiProperty({ enum: IP6_POOL_PURPOSES, description: 'delegated: Delegated-IPv6-Prefix; framed: Framed-IPv6-Prefix' })
  @IsIn(IP6_POOL_PURPOSES, { message: `purpose must be one of ${IP6_POOL_PURPOSES.join(', ')}` })
  purpose!: Ip6PoolPurpose;
}
