/**
 * `participant.get`: one's own participant record, as GET /v1/participants/{id} for
 * one's own id (participants:Get of the bearer token's participant), as a query the
 * household signs. The chaincode answers it only to the identity bound to that id.
 */
import type { Participant as LedgerParticipant } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Participant } from '../../schemas/participants';
import { toApiParticipant } from '../units';
import { defineAction } from './action';

export const participantGet = defineAction({
  name: 'participant.get',
  kind: 'query',
  summary: 'read one\'s own participant record: {}, as GET /v1/participants/{id} for one\'s own id (a query: POST …/evaluation)',
  params: Type.Object({}, { additionalProperties: false }),
  result: Participant,
  contract: 'participants',
  transaction: 'Get',
  args: (_params, caller) => [caller.participantId],
  // The household's own view: no bound identity, as GET /v1/participants/{id} shows it.
  view: (result) => toApiParticipant(JSON.parse(result) as LedgerParticipant, false),
});
