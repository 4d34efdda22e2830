import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import { OperatorRole, rolesAllowed } from './roles';

export const ROLE_METADATA = 'aaa:operator-role';
export const OWN_AUTH_METADATA = 'aaa:own-auth';

/**
 * The one place an admin route says who may use it: the weakest role it needs
 * (`readonly` < `support` < `admin` < `owner`). The global OperatorGuard enforces it, the
 * OpenAPI document shows it (`x-required-role` and the 403 response), and
 * `test/operator-roles.e2e-spec.ts` walks every route for it. A route without it is
 * refused to everyone, owners included.
 */
export const Role = (role: OperatorRole) =>
  applyDecorators(
    SetMetadata(ROLE_METADATA, role),
    ApiExtension('x-required-role', role),
    ApiForbiddenResponse({ description: `Needs the role ${role} or higher (${rolesAllowed(role).join(', ')})` }),
  );

/**
 * A route (or a whole controller) that is not an operator route: it authenticates by its
 * own means, named here for the reader (X-Radius-Token, the portal's form token, none
 * for /health). Never under /api/.
 */
export const OwnAuth = (how: string) => SetMetadata(OWN_AUTH_METADATA, how);

export interface DeclaredAccess {
  role?: OperatorRole;
  ownAuth?: string;
}

/** What a route declares: its handler's role (never inherited), or its handler's or controller's OwnAuth. */
export function declaredAccess(handler: object, controller: object): DeclaredAccess {
  const role = Reflect.getMetadata(ROLE_METADATA, handler) as OperatorRole | undefined;
  const ownAuth = (Reflect.getMetadata(OWN_AUTH_METADATA, handler) ?? Reflect.getMetadata(OWN_AUTH_METADATA, controller)) as
    string | undefined;
  return { role, ownAuth };
}
