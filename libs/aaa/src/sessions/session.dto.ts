import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsUUID } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Optional } from '../common/validation';

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: open sessions only; false: closed only' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') accountId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') routerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') customerId?: string;
}
