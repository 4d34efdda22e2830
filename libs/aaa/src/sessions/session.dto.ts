import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsUUID, ValidateBy } from 'class-validator';
import { isCidr } from '../common/ip';
import { PageQuery } from '../common/pagination';
import { IsDateTime, Optional } from '../common/validation';

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: open sessions only; false: closed only' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') accountId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') routerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') customerId?: string;

  @ApiPropertyOptional({
    example: '2001:db8:100:7::1',
    description:
      'Sessions that had this address: IPv4 (Framed-IP-Address) or IPv6 (Framed-IPv6-Address, or inside the ' +
      'Framed-IPv6-Prefix or Delegated-IPv6-Prefix). A network (2001:db8:100::/56) matches every session whose ' +
      'address or prefix overlaps it. With `at`: the abuse lookup, who had it then.',
  })
  @Optional()
  @ValidateBy({
    name: 'isAddressOrNetwork',
    validator: {
      validate: (v: unknown) => isCidr(v),
      defaultMessage: () => 'ip must be an IPv4 or IPv6 address or network (no bits set after the length), e.g. 2001:db8::1',
    },
  })
  ip?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Sessions open at this time (started by it, not stopped before it)',
  })
  @Optional()
  @IsDateTime()
  at?: Date;
}
