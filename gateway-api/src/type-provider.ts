/**
 * TypeBox type provider for Fastify, over @sinclair/typebox 0.34.
 *
 * @fastify/type-provider-typebox 6 is built on the ESM-only `typebox` 1.x, which
 * jest's CommonJS runtime cannot load; the provider itself is only these types, so
 * we declare them here and keep one TypeBox for schemas and static types alike.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';

export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}

export type RoutesPlugin = FastifyPluginAsync<Record<never, never>, RawServerDefault, TypeBoxTypeProvider>;

export type App = FastifyInstance;
