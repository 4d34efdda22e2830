import { applyDecorators, Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type as TransformType } from 'class-transformer';
import {
  IsDate,
  IsInt,
  IsUUID,
  Matches,
  Max,
  MaxDate,
  MaxLength,
  Min,
  MinDate,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { isCidr, isIpAddress, isIpv6Cidr } from './ip';
import { USERNAME_RE, USERNAME_RULE } from './username';

/**
 * The one validation layer of the admin API. Every DTO uses these instead of the raw
 * class-validator pieces that let bad input through to the database:
 *
 * - `IsOptional()` treats null like absent and skips every other check, so a null
 *   reached NOT NULL columns (500). Here absent (undefined) is optional, and null is
 *   accepted only where the field is declared `OptionalNullable()`, which is also what
 *   the OpenAPI document says (`nullable: true`). Lint forbids IsOptional and the
 *   null-skipping PartialType; `PartialDto()` is the partial type that keeps null checked.
 * - Integers always have bounds (`BoundedInt`): an unbounded one overflowed int and
 *   bigint columns.
 * - IP addresses and networks are checked the way `inet` and `cidr` take them.
 * - NUL and unpaired surrogates are refused in every string of every DTO by the global
 *   pipe (validation-pipe.ts), so a new field cannot forget it.
 */

/** A fragment of the OpenAPI property that does not override what the DTO states itself. */
const doc = (fragment: Record<string, unknown>): PropertyDecorator => ApiProperty(fragment);

/** Absent is fine; null is checked (and refused) like any other value. */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** Absent, or null to clear a nullable column; anything else is checked. */
export const OptionalNullable = () =>
  applyDecorators(
    ValidateIf((_, value) => value !== undefined && value !== null),
    doc({ nullable: true }),
  );

/** The partial (PATCH) form of a DTO: every field optional, null still refused unless nullable. */
export function PartialDto<T>(cls: Type<T>): Type<Partial<T>> {
  return PartialType(cls, { skipNullProperties: false });
}

/** An integer within [min, max], documented as such. */
export const BoundedInt = (min: number, max: number) =>
  applyDecorators(IsInt(), Min(min), Max(max), doc({ type: 'integer', minimum: min, maximum: max }));

/**
 * An ISO 8601 date-time between 1970 and 9999: a JavaScript Date reaches back to
 * 271821 BC, `timestamptz` only to 4713 BC.
 */
export const IsDateTime = () =>
  applyDecorators(
    TransformType(() => Date),
    IsDate({ message: ({ property }) => `${property} must be an ISO 8601 date-time` }),
    MinDate(new Date(Date.UTC(1970, 0, 1)), { message: ({ property }) => `${property} must not be before 1970` }),
    MaxDate(new Date(Date.UTC(9999, 11, 31, 23, 59, 59)), { message: ({ property }) => `${property} must not be after 9999` }),
  );

// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

export const IsUsername = () =>
  applyDecorators(
    ApiProperty({ example: 'alice.phone', pattern: USERNAME_RE.source }),
    Matches(USERNAME_RE, { message: `username must be ${USERNAME_RULE}` }),
  );

export const IsPassword = (optional = false) =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ minLength: 4, maxLength: 128, writeOnly: true })
      : ApiProperty({ minLength: 4, maxLength: 128, writeOnly: true }),
    ...(optional ? [Optional()] : []),
    MinLength(4),
    MaxLength(128),
    Matches(NO_CONTROL_CHARS, { message: 'password must not contain control characters' }),
  );

/** Optional UUID that also accepts an explicit null to clear the reference. */
export const OptionalUuid = (description: string) =>
  applyDecorators(ApiPropertyOptional({ type: String, format: 'uuid', description }), OptionalNullable(), IsUUID('all'));

export const TrimmedText = (max: number) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    MinLength(1),
    MaxLength(max),
    Matches(NO_CONTROL_CHARS, { message: 'must not contain control characters' }),
  );

/** An IPv4 or IPv6 address (`version` 4: IPv4 only), without an IPv6 zone id. */
export const IsIpAddress = (version?: 4) =>
  ValidateBy({
    name: 'isIpAddress',
    validator: {
      validate: (value: unknown) => isIpAddress(value) && (version !== 4 || !value.includes(':')),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an ${version === 4 ? 'IPv4' : 'IPv4 or IPv6'} address`,
    },
  });

/** An IPv6 network (`2001:db8:100::/56`) with a length in [min, max] and no bits set after it. */
export const IsIpv6Prefix = ([min, max]: [number, number]) =>
  ValidateBy({
    name: 'isIpv6Prefix',
    validator: {
      validate: (value: unknown) => isIpv6Cidr(value) && Number(value.split('/')[1]) >= min && Number(value.split('/')[1]) <= max,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be an IPv6 network from /${min} to /${max} with no bits set after the length, e.g. 2001:db8:100::/56`,
    },
  });

/** Every element a network as `cidr` stores it (no host bits set, prefix within range). */
export const IsCidrList = () =>
  ValidateBy({
    name: 'isCidrList',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.every((v) => isCidr(v)),
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} entries must be networks such as 203.0.113.0/24 or 2001:db8::/32, with no bits set after the prefix`,
    },
  });
