import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { declaredAccess, DeclaredAccess, OperatorRole } from '@app/aaa';
import { AdminClient } from './test-app';

export interface IssuedToken {
  operatorId: string;
  tokenId: string;
  token: string;
  prefix: string;
}

/** A new operator with `role` and one personal token, made through the API by an owner. */
export async function operatorWithToken(owner: AdminClient, role: OperatorRole, opts: { expiresAt?: Date } = {}): Promise<IssuedToken> {
  const tag = randomBytes(4).toString('hex');
  const op = (
    await owner
      .post('/api/operators')
      .send({ name: `${role} ${tag}`, email: `${role}-${tag}@isp.example`, role })
      .expect(201)
  ).body;
  const tok = (await owner.post(`/api/operators/${op.id}/tokens`).send({ name: 'test', expiresAt: opts.expiresAt }).expect(201)).body;
  return { operatorId: op.id, tokenId: tok.id, token: tok.token, prefix: tok.prefix };
}

/** A route Nest serves, with what its code declares. */
export interface NestRoute extends DeclaredAccess {
  method: string;
  path: string;
  /** `CustomersController.create` */
  name: string;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route of every controller in the app, from Nest's own metadata. */
export function nestRoutes(app: INestApplication): NestRoute[] {
  const routes: NestRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!controller) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        for (const base of bases) {
          for (const sub of [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[]) {
            routes.push({ method, path: join(base, sub), name: `${controller.name}.${key}`, ...declaredAccess(handler, controller) });
          }
        }
      }
    }
  }
  return routes;
}

/** Collects every route Fastify is asked to serve from now on (call before listen). */
export function fastifyRoutes(app: NestFastifyApplication): { method: string; url: string }[] {
  const seen: { method: string; url: string }[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) seen.push({ method: String(method), url: r.url });
    });
  return seen;
}
