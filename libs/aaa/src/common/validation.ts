import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

/** RADIUS User-Name as operators use it: no spaces, no control characters. */
export const USERNAME_RE = /^[A-Za-z0-9._@+-]{1,64}$/;
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

export const IsUsername = () =>
  applyDecorators(
    ApiProperty({ example: 'alice.phone', pattern: USERNAME_RE.source }),
    Matches(USERNAME_RE, { message: 'username must be 1-64 characters of A-Z a-z 0-9 . _ @ + -' }),
  );

export const IsPassword = (optional = false) =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ minLength: 4, maxLength: 128, writeOnly: true })
      : ApiProperty({ minLength: 4, maxLength: 128, writeOnly: true }),
    ...(optional ? [IsOptional()] : []),
    MinLength(4),
    MaxLength(128),
    Matches(NO_CONTROL_CHARS, { message: 'password must not contain control characters' }),
  );

/** Optional UUID that also accepts an explicit null to clear the reference. */
export const OptionalUuid = (description: string) =>
  applyDecorators(ApiPropertyOptional({ format: 'uuid', nullable: true, description }), IsOptional(), IsUUID('all'));

export const TrimmedText = (max: number) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    MinLength(1),
    MaxLength(max),
    Matches(NO_CONTROL_CHARS, { message: 'must not contain control characters' }),
  );
