import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsDateTime, OptionalNullable, PartialDto, TrimmedText } from '../common/validation';
import { OPERATOR_ROLES, OperatorRole } from './roles';

const ROLE_DOC =
  'owner: everything, operators included; admin: everything except operators; ' +
  'support: reads, disconnects, device passwords, clearing restrictions; readonly: GET only';

export class CreateOperatorDto {
  @ApiProperty({ example: 'Dana Example', maxLength: 100 }) @TrimmedText(100) name!: string;
  @ApiProperty({ example: 'dana@isp.example', maxLength: 254 }) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ enum: OPERATOR_ROLES, description: ROLE_DOC }) @IsIn(OPERATOR_ROLES) role!: OperatorRole;
}

export class UpdateOperatorDto extends PartialDto(CreateOperatorDto) {}

export class OperatorView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: OPERATOR_ROLES }) role!: OperatorRole;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'laptop', maxLength: 100, description: 'What the token is for, to recognise it in lists' })
  @TrimmedText(100)
  name!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Absent or null: never expires' })
  @OptionalNullable()
  @IsDateTime()
  expiresAt?: Date | null;
}

export class TokenView {
  @ApiProperty() id!: string;
  @ApiProperty() operatorId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'rbo_3fJ9aQx1', description: 'The first characters of the token, to recognise it' }) prefix!: string;
  @ApiProperty({ type: Date, nullable: true }) expiresAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) revokedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) lastUsedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

export class CreatedTokenView extends TokenView {
  @ApiProperty({ description: 'The token itself: shown this once, only its hash is kept' }) token!: string;
}

export class WhoAmIView {
  @ApiProperty({ enum: ['operator', 'bootstrap'], description: 'bootstrap: the ADMIN_TOKEN' }) type!: 'operator' | 'bootstrap';
  @ApiProperty({ enum: OPERATOR_ROLES }) role!: OperatorRole;
  @ApiProperty({ type: String, nullable: true }) operatorId!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) tokenId!: string | null;
  @ApiProperty({ type: String, nullable: true }) tokenPrefix!: string | null;
}

export class OperatorTokenQuery extends PageQuery {}
