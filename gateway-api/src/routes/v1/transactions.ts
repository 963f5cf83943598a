/**
 * Transactions a household signs with its own key (services/transactions.ts): prepare,
 * then endorsement, submission and commit, each answering the bytes to sign next and
 * their digest; or, for a query, prepare then evaluation, answering what it read.
 * Household tokens only; the chaincode decides what the signer may do and read.
 */
import type { FastifyRequest } from 'fastify';
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { problems } from '../../schemas/common';
import {
  AnyActionBody,
  CommitBody,
  Committed,
  EndorseBody,
  Endorsed,
  EvaluateBody,
  Evaluated,
  PREPARE_BODIES,
  PrepareBody,
  Prepared,
  SubmitBody,
  Submitted,
  TransactionParams,
} from '../../schemas/transactions';
import * as transactions from '../../services/transactions';

const tags = ['transactions'];

/**
 * The body is a union of one shape per action, and a union's validation errors name
 * every branch. Checked again against the one shape its `action` names (or against the
 * action name alone), so the errors say what is wrong with this action's body.
 */
function preciseBodyError(request: FastifyRequest): Error {
  const given = request.validationError as (Error & { validationContext?: string }) | undefined;
  if (!given || given.validationContext !== 'body') return given ?? new Error('validation failed');
  const body = request.body as { action?: unknown } | null;
  const named = typeof body === 'object' && body !== null && typeof body.action === 'string' ? PREPARE_BODIES.get(body.action) : undefined;
  const validate = request.compileValidationSchema(named ?? AnyActionBody, 'body');
  if (validate(request.body) || !validate.errors) return given;
  return Object.assign(new Error('body does not match the schema'), { validation: validate.errors, validationContext: 'body', statusCode: 400 });
}

const transactionRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/transactions',
    {
      config: { access: 'household' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Prepare a transaction or a query the household signs itself: the proposal and the digest to sign (nothing is sent to the ledger)',
        description:
          'For households that hold their own key (self-custody). `action` is one of the signable actions, `params` its parameters as the ' +
          'custodial route takes them, `certificate` the household\'s own. Sign `digest` (ECDSA P-256, DER) and send it with `proposal` to ' +
          '/v1/transactions/{transactionId}/endorsement, or for a query (`kind: "query"`) to /v1/transactions/{transactionId}/evaluation. ' +
          'The gateway keeps nothing between the steps.',
        body: PrepareBody,
        response: { 201: Prepared, ...problems(403) },
      },
    },
    async (request, reply) => {
      if (request.validationError) throw preciseBodyError(request);
      const prepared = await transactions.prepare(app.gateway, principalOf(request), request.body as transactions.PrepareInput);
      return reply.status(201).send(prepared);
    },
  );

  app.post(
    '/transactions/:transactionId/endorsement',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Have the signed proposal endorsed: the transaction and the digest to sign, and what it does if it commits',
        description:
          'Every signature and the signer\'s certificate are checked before the chaincode runs; nothing is written. The chaincode\'s refusal ' +
          '(e.g. 409 MARKET_NOT_OPEN, 403 FORBIDDEN) is answered as on the custodial route.',
        params: TransactionParams,
        body: EndorseBody,
        response: { 200: Endorsed, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => transactions.endorse(app.gateway, principalOf(request), request.params.transactionId, request.body),
  );

  app.post(
    '/transactions/:transactionId/evaluation',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Have the signed proposal of a query evaluated: what it read, in the custodial route\'s shape (nothing is written)',
        description:
          'For the signable actions that are queries (order.get, orders.list, account.get, participant.get): the signature and the signer\'s ' +
          'certificate are checked as at /endorsement, then the chaincode runs on the committed state; nothing is ordered or written. The ' +
          'chaincode\'s refusal (e.g. 403 FORBIDDEN for another household\'s order, 404 NOT_FOUND) is answered as on the custodial route; a ' +
          'transaction sent here is 422 ACTION_NOT_A_QUERY (and a query sent to /endorsement 422 ACTION_IS_A_QUERY).',
        params: TransactionParams,
        body: EvaluateBody,
        response: { 200: Evaluated, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => transactions.evaluate(app.gateway, principalOf(request), request.params.transactionId, request.body),
  );

  app.post(
    '/transactions/:transactionId/submission',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Submit the signed transaction for ordering and commit: the commit-status request and the digest to sign',
        description:
          'Sending the same signed transaction again never acts twice. On the embedded ledger the transaction is committed by now; one whose ' +
          'result or write set would differ from the endorsed one is 409 READ_CONFLICT (on Fabric: at /commit).',
        params: TransactionParams,
        body: SubmitBody,
        response: { 202: Submitted, ...problems(403, 409, 422) },
      },
    },
    async (request, reply) => reply.status(202).send(await transactions.submit(app.gateway, principalOf(request), request.params.transactionId, request.body)),
  );

  app.post(
    '/transactions/:transactionId/commit',
    {
      config: { access: 'household' },
      schema: {
        tags,
        summary: 'Wait for the transaction to commit (signed commit-status request): its status and its result',
        description:
          '200 once committed as valid, with the result in the custodial route\'s shape; 409 READ_CONFLICT when the state it read changed ' +
          'before it committed (prepare it again), 422 TRANSACTION_INVALID for another validation code.',
        params: TransactionParams,
        body: CommitBody,
        response: { 200: Committed, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => transactions.commit(app.gateway, principalOf(request), request.params.transactionId, request.body),
  );
};

export default transactionRoutes;
