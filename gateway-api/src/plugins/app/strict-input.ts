/**
 * What the gateway accepts, exactly: JSON bodies only (no text/plain parser), and no
 * type coercion anywhere (ajv `coerceTypes: false`, app.ts), so `"130000"` for an
 * integer or `false` for a string is a 400, not a guess.
 *
 * A query string is all text, so its numbers are converted here, deliberately and
 * before validation: a value of plain decimal digits for a property the route's
 * querystring schema types as integer becomes that integer; anything else (`abc`,
 * `0x10`, `1e3`, ` 10`, a repeated parameter) stays as sent and fails validation.
 */
import fp from 'fastify-plugin';

const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>;
}

export default fp(
  async (app) => {
    app.removeContentTypeParser('text/plain');

    app.addHook('preValidation', async (request) => {
      const properties = (request.routeOptions.schema?.querystring as QuerySchema | undefined)?.properties;
      const query = request.query as Record<string, unknown> | null;
      if (!properties || !query || typeof query !== 'object') return;
      for (const [name, property] of Object.entries(properties)) {
        const value = query[name];
        if (property.type === 'integer' && typeof value === 'string' && DECIMAL_INTEGER.test(value)) query[name] = Number(value);
      }
    });
  },
  { name: 'strict-input' },
);
