import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { isStorableText } from './text';

const BUILT_INS = new Set<unknown>([String, Number, Boolean, Object, Array]);

/**
 * The admin API's global pipe: class-validator on every DTO (whitelisted, unknown
 * fields refused), and before that one rule for every string anywhere in a DTO's
 * body, query or params: no NUL and no unpaired surrogate. PostgreSQL `text` cannot
 * hold the first (a 500 before), and node-postgres silently replaced the second. A
 * field added to any DTO gets the rule without saying so.
 *
 * Inputs without a DTO class (the rlm_rest endpoints' raw bodies) are left to their
 * own checks (radius/radius-attributes.ts).
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.metatype && !BUILT_INS.has(metadata.metatype)) {
      const bad = firstUnstorable(value, metadata.data ?? metadata.type);
      if (bad) throw new BadRequestException([`${bad} must not contain a NUL character or an unpaired surrogate`]);
    }
    return withoutUndefined(await super.transform(value, metadata));
  }
}

/**
 * DTO classes compile to class fields (ES2022), so a transformed DTO has every declared
 * field as an own property, `undefined` where the client sent nothing. Services merge DTOs
 * into entities (`Object.assign`): those undefineds then blanked fields in the record they
 * answered with (a PATCH answer without `maxSessions`) and in the audit log's after-image.
 * Absent stays absent.
 */
function withoutUndefined(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if ((value as Record<string, unknown>)[key] === undefined) delete (value as Record<string, unknown>)[key];
    }
  }
  return value;
}

/** Path of the first string (or key) that PostgreSQL could not store as text. */
function firstUnstorable(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = path === 'body' || path === 'query' || path === 'param' ? key : `${path}.${key}`;
    if (!isStorableText(key)) return path;
    const bad = firstUnstorable(inner, at, depth + 1);
    if (bad) return bad;
  }
  return null;
}
