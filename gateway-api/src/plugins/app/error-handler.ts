/**
 * The one place errors become responses: every 4xx/5xx is an RFC 9457 problem
 * (application/problem+json) built by toProblem, with the request id so a caller
 * can quote it. Server faults are logged with their cause; the body never is.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from '../../errors/problem';
import { ApiError } from '../../errors/api-error';

function send(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  problem.instance = request.url;
  problem.requestId = String(request.id);
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="ecch"');
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

export default fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err);
      if (problem.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ status: problem.status, code: problem.code, detail: problem.detail }, 'request refused');
      return send(request, reply, problem);
    });

    app.setNotFoundHandler((request, reply) => {
      const problem = toProblem(new ApiError(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
      return send(request, reply, problem);
    });
  },
  { name: 'error-handler' },
);
