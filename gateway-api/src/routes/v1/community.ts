/**
 * The community view's public data (no token; api.md: "the public community view of
 * the console"): a snapshot, and the same snapshot streamed as server-sent events
 * whenever the ledger changes it. Only aggregates: services/community.ts.
 */
import type { RoutesPlugin } from '../../type-provider';
import { problems } from '../../schemas/common';
import { CommunitySnapshot, CommunityStreamEvent } from '../../schemas/community';
import { CommunityFeed, snapshot, type CommunitySnapshot as Snapshot } from '../../services/community';
import type { SseMessage } from '../../events/sse-message';

const tags = ['community'];
/** How long ledger changes are gathered into one pushed snapshot. */
const COALESCE_MS = 250;

const toMessage = (s: Snapshot): SseMessage => ({ event: 'snapshot', data: JSON.stringify(s) });

const communityRoutes: RoutesPlugin = async (app) => {
  const feed = new CommunityFeed(app.gateway, COALESCE_MS, (err) => app.log.warn({ err }, 'community feed failed'));
  app.addHook('preClose', async () => feed.stop());

  app.get(
    '/community',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The community view: every home\'s position (selling, buying, idle) in the current market, its prices and P2P volume; public, aggregates only',
        response: { 200: CommunitySnapshot, ...problems(400, 503) },
      },
    },
    async () => snapshot(app.gateway),
  );

  app.get(
    '/community/events',
    {
      exposeHeadRoute: false,
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The community snapshot as server-sent events: one at once, then one whenever the ledger changes it',
        response: {
          200: { description: 'an endless event stream', content: { 'text/event-stream': { schema: CommunityStreamEvent } } },
          ...problems(400, 503),
        },
      },
    },
    async (_request, reply) => {
      await reply.sse(async function* (signal): AsyncIterable<SseMessage> {
        // Subscribe before the first read, so a change during it is not missed.
        const queue: Snapshot[] = [];
        let wake: (() => void) | undefined;
        const unwatch = feed.watch((s) => {
          queue.splice(0, queue.length, s); // only the newest matters
          wake?.();
        });
        const onAbort = () => wake?.();
        signal.addEventListener('abort', onAbort);
        try {
          yield toMessage(await snapshot(app.gateway));
          while (!signal.aborted) {
            const next = queue.shift();
            if (next) yield toMessage(next);
            else await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          signal.removeEventListener('abort', onAbort);
          unwatch();
        }
      });
    },
  );
};

export default communityRoutes;
