/**
 * `participant.enrol`: a self-custody household binds its own key on the ledger
 * (participants:Enrol), after POST /v1/enrolments gave it its certificate. The
 * chaincode binds the identity that signs this transaction, so only the key holder can.
 */
import type { Participant as LedgerParticipant } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { Participant } from '../../schemas/participants';
import { toApiParticipant } from '../units';
import { defineAction } from './action';

export const participantEnrol = defineAction({
  name: 'participant.enrol',
  kind: 'transaction',
  summary: 'bind one\'s own enrolled key to one\'s participant: {participantId}, after POST /v1/enrolments',
  params: Type.Object({ participantId: Id }, { additionalProperties: false }),
  result: Participant,
  contract: 'participants',
  transaction: 'Enrol',
  args: ({ participantId }) => [participantId],
  // The household's own view: no bound identity, as GET /v1/participants/{id} shows it.
  view: (result) => toApiParticipant(JSON.parse(result) as LedgerParticipant, false),
});
