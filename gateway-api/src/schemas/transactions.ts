/**
 * Transactions a household signs itself (POST /v1/transactions and its three steps),
 * and the queries it signs (POST /v1/transactions, then its evaluation). Bytes travel
 * as standard base64 (OpenAPI `format: byte`); the catalogue of actions and their
 * parameters is services/signable/.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { SIGNABLE_ACTIONS, actionsOf, type SignableAction } from '../services/signable';

/** Standard base64 with padding (ajv-formats' `byte`), at most `maxLength` characters. */
const base64 = (description: string, maxLength: number) => Type.String({ format: 'byte', minLength: 4, maxLength, description });

const MESSAGE_MAX = 60_000;

export const Certificate = Type.String({
  minLength: 1,
  maxLength: 16_384,
  pattern: '^-----BEGIN CERTIFICATE-----',
  description: "the household's X.509 certificate (PEM) from its enrolment; its P-256 key signs every step",
});

export const Signature = base64('ECDSA P-256 signature of `digest` (prehashed), DER, base64: what fabric-gateway\'s signers.newPrivateKeySigner returns', 200);

export const TransactionId = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'hex SHA-256(nonce ‖ creator), as Fabric derives it',
  examples: ['9f2c4e0a5b7d81c3e6f4a2b0d9c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0'],
});

export const TransactionParams = Type.Object({ transactionId: TransactionId });

const LedgerFormat = Type.Union([Type.Literal('embedded'), Type.Literal('fabric')], {
  description: 'whose bytes these are: the embedded ledger\'s canonical JSON, or fabric-gateway\'s protobuf (docs/api.md)',
});

/** One body shape per signable action, `{action, params, certificate}`, by action name. */
export const PREPARE_BODIES: ReadonlyMap<string, TSchema> = new Map(
  SIGNABLE_ACTIONS.map((a) => [
    a.name,
    Type.Object(
      { action: Type.Literal(a.name, { description: a.summary }), params: a.params as TSchema, certificate: Certificate },
      { additionalProperties: false, title: a.name },
    ),
  ]),
);

export const PrepareBody = Type.Union([...PREPARE_BODIES.values()], {
  description: 'the action to sign, its parameters (as the custodial route takes them) and the signer\'s certificate',
});

const names = (actions: readonly SignableAction[], description: string) => Type.Union(actions.map((a) => Type.Literal(a.name)), { description });

export const ActionName = names(SIGNABLE_ACTIONS as unknown as readonly SignableAction[], 'one of the signable actions');
const TransactionActionName = names(actionsOf('transaction'), 'one of the signable actions that are transactions');
const QueryActionName = names(actionsOf('query'), 'one of the signable actions that are queries');

/** The chaincode's result in the shape the custodial route answers (an order for order.*), for the actions of one kind. */
const resultOf = (actions: readonly SignableAction[], description: string) => Type.Union([...new Set(actions.map((a) => a.result as TSchema))], { description });
const result = (description: string) => resultOf(actionsOf('transaction'), description);

/** What a body that is no action's is checked against, to say why. */
export const AnyActionBody = Type.Object({ action: ActionName });

export const Prepared = Type.Object({
  transactionId: TransactionId,
  action: ActionName,
  kind: Type.Union([Type.Literal('transaction'), Type.Literal('query')], {
    description: 'the next step: a `transaction` is endorsed (/endorsement), a `query` evaluated (/evaluation)',
  }),
  format: LedgerFormat,
  proposal: base64('the proposal: send it back with its signature to /endorsement (a query: to /evaluation)', MESSAGE_MAX),
  digest: base64('what to sign: SHA-256 of the signed part of `proposal` (embedded: of all of it)', 64),
});

export const EndorseBody = Type.Object(
  { proposal: base64('`proposal` exactly as prepared', MESSAGE_MAX), signature: Signature },
  { additionalProperties: false },
);

export const Endorsed = Type.Object({
  transactionId: TransactionId,
  action: TransactionActionName,
  transaction: base64('the endorsed transaction: send it back with its signature to /submission', MESSAGE_MAX),
  digest: base64('what to sign', 64),
  result: result('what the transaction does if it commits (nothing is written yet), in the shape the custodial route answers'),
});

export const SubmitBody = Type.Object(
  { transaction: base64('`transaction` exactly as endorsed', MESSAGE_MAX), signature: Signature },
  { additionalProperties: false },
);

export const Submitted = Type.Object({
  transactionId: TransactionId,
  commit: base64('the commit-status request: send it back with its signature to /commit', 16_384),
  digest: base64('what to sign', 64),
});

export const CommitBody = Type.Object(
  {
    commit: base64('`commit` exactly as submitted', 16_384),
    signature: Signature,
    transaction: base64('the endorsed `transaction` again: its result is what this answer shows', MESSAGE_MAX),
  },
  { additionalProperties: false },
);

export const Committed = Type.Object({
  transactionId: TransactionId,
  action: TransactionActionName,
  status: Type.Literal('VALID', { description: 'committed as valid (anything else is a problem: READ_CONFLICT, TRANSACTION_INVALID)' }),
  blockNumber: Type.Integer({ minimum: 0 }),
  result: result('the committed result, in the shape the custodial route answers (an order for order.*)'),
});

export const EvaluateBody = Type.Object(
  { proposal: base64('`proposal` exactly as prepared (a query\'s)', MESSAGE_MAX), signature: Signature },
  { additionalProperties: false },
);

export const Evaluated = Type.Object({
  transactionId: TransactionId,
  action: QueryActionName,
  result: resultOf(actionsOf('query'), 'what the query read, in the shape the custodial route answers (nothing was written)'),
});
