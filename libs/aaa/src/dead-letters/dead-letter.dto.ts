import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Optional } from '../common/validation';
import { DEAD_LETTER_KINDS, DeadLetterKind } from './dead-letter.entity';

export class DeadLetterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') routerId?: string;
  @ApiPropertyOptional({ enum: DEAD_LETTER_KINDS }) @Optional() @IsIn(DEAD_LETTER_KINDS) kind?: DeadLetterKind;
}

/** A bigint id, bounded so that it always fits one. */
export class DeadLetterId {
  @ApiProperty({ example: '42', pattern: '^[1-9][0-9]{0,17}$' })
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'id must be a positive integer' })
  id!: string;
}

export class DeadLetterView {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty() receivedAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'null: no router with this address or NAS-Identifier' })
  routerId!: string | null;
  @ApiProperty({ description: 'Source address of the packet (the NAS, as FreeRADIUS saw it)' }) nasIp!: string;
  @ApiProperty({ enum: DEAD_LETTER_KINDS }) kind!: DeadLetterKind;
  @ApiProperty({ example: 'Acct-Session-Time 4294967295 is out of range (0-2147483647)' }) reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'The accounting attributes the API reads, as received',
  })
  attributes!: Record<string, string[]>;
}

export class DeadLetterPage {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [DeadLetterView] }) items!: DeadLetterView[];
}
