/**
 * Server-sent event streams: headers, heartbeats (comment lines that keep proxies
 * from timing the stream out), cleanup when the client goes away, and an abort of
 * every open stream when the server closes (otherwise close would wait for them).
 */
import fp from 'fastify-plugin';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { formatSse, type SseMessage } from '../../events/sse-message';

declare module 'fastify' {
  interface FastifyReply {
    /** Streams what `open` yields until the client disconnects or the server closes. */
    sse(open: (signal: AbortSignal) => AsyncIterable<SseMessage>): Promise<void>;
  }
}

export default fp<{ heartbeatMs: number }>(
  async (app, { heartbeatMs }) => {
    const streams = new Set<AbortController>();
    app.addHook('preClose', async () => {
      for (const stream of streams) stream.abort();
    });

    async function sse(reply: FastifyReply, open: (signal: AbortSignal) => AsyncIterable<SseMessage>): Promise<void> {
      const raw = reply.raw;
      const stream = new AbortController();
      streams.add(stream);
      reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // nginx: do not buffer the stream
      });
      raw.write('retry: 3000\n\n');
      const onClose = () => stream.abort();
      raw.on('close', onClose);
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
      try {
        for await (const message of open(stream.signal)) {
          if (stream.signal.aborted) break;
          raw.write(formatSse(message));
        }
      } catch (err) {
        if (!stream.signal.aborted) {
          reply.request.log.warn({ err }, 'event stream failed');
          raw.write(formatSse({ event: 'error', data: JSON.stringify({ detail: 'the ledger event stream failed; reconnect with Last-Event-ID' }) }));
        }
      } finally {
        clearInterval(heartbeat);
        raw.off('close', onClose);
        streams.delete(stream);
        stream.abort();
        raw.end();
      }
    }

    app.decorateReply('sse', function (this: FastifyReply, open: (signal: AbortSignal) => AsyncIterable<SseMessage>) {
      return sse(this, open);
    });
  },
  { name: 'sse' },
);
