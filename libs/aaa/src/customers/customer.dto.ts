import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEmail, IsOptional, MaxLength } from 'class-validator';
import { TrimmedText } from '../common/validation';

export class CreateCustomerDto {
  @ApiProperty({ example: 'Alice Example' })
  @TrimmedText(200)
  name!: string;

  @ApiPropertyOptional({ example: 'alice@example.org' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(2000)
  notes?: string;
}

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {}
