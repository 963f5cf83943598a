/**
 * GET /v1/events: the ledger's events as text/event-stream. Each connection follows
 * the ledger from now, or from just after Last-Event-ID when the client reconnects.
 * A Last-Event-ID beyond the ledger's last block names no event this ledger has
 * given (another ledger's, or a typo): 400, rather than a stream that waits for a
 * block that may never come; the client reconnects without it.
 */
import { Type } from '@sinclair/typebox';
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { ApiError } from '../../errors/api-error';
import { problems } from '../../schemas/common';
import { EVENT_ID_PATTERN, parseEventId, toSseMessages, visibleTo, type SseMessage } from '../../events/sse-message';

const EventId = Type.String({ pattern: EVENT_ID_PATTERN, description: 'the id of the last event received, `<block>.<txId>`' });

/**
 * One event of the stream, by its fields (OpenAPI 3.0 has no schema for a stream's
 * items; readers such as schemathesis take `schema` as one event's). The first one
 * carries only `retry`; heartbeats are comment lines, not events.
 */
const StreamEvent = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: EVENT_ID_PATTERN, description: '`<block>.<txId>`: send back as Last-Event-ID to resume after it' })),
    event: Type.Optional(Type.String({ description: 'e.g. market.opened, order.placed, market.settled' })),
    data: Type.Optional(Type.String({ description: 'the event\'s payload as one line of JSON' })),
    retry: Type.Optional(Type.Integer({ description: 'reconnection delay in ms' })),
  },
  { additionalProperties: false, description: 'one server-sent event; the response is an endless sequence of them' },
);

const eventRoutes: RoutesPlugin = async (app) => {
  app.get(
    '/events',
    {
      // A HEAD of an endless stream would never end: HEAD is 405 here.
      exposeHeadRoute: false,
      config: { access: 'any' },
      schema: {
        tags: ['events'],
        summary: 'Ledger events (market.opened, order.placed, market.closed, market.settled, ...) as server-sent events',
        headers: Type.Object({ 'last-event-id': Type.Optional(EventId) }),
        querystring: Type.Object({ lastEventId: Type.Optional(EventId) }, { additionalProperties: false }),
        response: {
          200: { description: 'an endless event stream', content: { 'text/event-stream': { schema: StreamEvent } } },
          ...problems(401, 403),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // EventSource sends Last-Event-ID itself on reconnect; the query form serves clients that cannot set headers.
      const after = parseEventId(request.headers['last-event-id'] ?? request.query.lastEventId);
      const { ledger, identities } = app.gateway;
      const height = after && ledger.lastBlock ? await ledger.lastBlock() : undefined;
      if (after && height !== undefined && after.blockNumber > height) {
        const path = request.headers['last-event-id'] !== undefined ? '/headers/last-event-id' : '/querystring/lastEventId';
        throw new ApiError(
          400,
          'LAST_EVENT_ID_AHEAD',
          `Last-Event-ID names block ${after.blockNumber}, but the ledger's last block is ${height}; reconnect without it to follow from now`,
          [{ path, message: `is beyond the ledger's last block (${height})` }],
        );
      }
      await reply.sse(async function* (signal): AsyncIterable<SseMessage> {
        for await (const event of ledger.events(identities.na, after, signal)) {
          if (visibleTo(principal, event)) yield* toSseMessages(event);
        }
      });
    },
  );
};

export default eventRoutes;
