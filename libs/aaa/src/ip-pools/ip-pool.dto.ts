import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { IsIpAddress, Optional, TrimmedText } from '../common/validation';
import { parseCidr } from './ipv4';

@ValidatorConstraint({ name: 'poolCidr' })
class PoolCidr implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const c = typeof value === 'string' ? parseCidr(value) : null;
    return !!c && c.prefix >= 16 && c.prefix <= 30;
  }
  defaultMessage(): string {
    return 'cidr must be an IPv4 network address with a prefix from /16 to /30, e.g. 10.10.0.0/24';
  }
}

export class CreateIpPoolDto {
  @ApiProperty({ example: 'vpn-customers' }) @TrimmedText(100) name!: string;
  @ApiProperty({ example: '10.10.0.0/24' }) @IsString() @Validate(PoolCidr) cidr!: string;
  @ApiPropertyOptional({ example: '10.10.0.1', description: 'Defaults to the first host address' })
  @Optional()
  @IsIpAddress(4)
  gateway?: string;
}
