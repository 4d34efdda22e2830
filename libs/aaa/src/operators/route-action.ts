import type { ExecutionContext } from '@nestjs/common';

/** @nestjs/swagger's metadata key for @ApiTags (DECORATORS.API_TAGS). */
const API_TAGS = 'swagger/apiUseTags';

/**
 * The audit log's action for an admin route: its OpenAPI tag and handler,
 * `accounts.update`, `sessions.disconnect`, `operators.revokeToken`. Derived, so every
 * route has one (those added later too) and an attempt that was denied carries the same
 * name as the write it tried.
 */
export function routeAction(controller: object, handler: { name: string }): string {
  const tags = Reflect.getMetadata(API_TAGS, controller) as string[] | undefined;
  const area =
    tags?.[0] ??
    (controller as { name: string }).name
      .replace(/Controller$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase();
  return `${area}.${handler.name}`;
}

export const actionOf = (ctx: ExecutionContext) => routeAction(ctx.getClass(), ctx.getHandler());

/** The target type when a service did not name one: the action's area, singular (`accounts.update` → `account`). */
export const targetTypeOf = (action: string) => action.slice(0, action.lastIndexOf('.')).replace(/s$/, '');
