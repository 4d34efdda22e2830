import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { OptionalNullable, PartialDto, TrimmedText } from '../common/validation';

export class CreateCustomerDto {
  @ApiProperty({ example: 'Alice Example' })
  @TrimmedText(200)
  name!: string;

  @ApiPropertyOptional({ type: String, example: 'alice@example.org' })
  @OptionalNullable()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 2000 })
  @OptionalNullable()
  @MaxLength(2000)
  notes?: string | null;
}

export class UpdateCustomerDto extends PartialDto(CreateCustomerDto) {}
