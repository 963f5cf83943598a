/**
 * Self-registration: anyone may apply. The gateway issues the applicant its own
 * ledger identity and submits the application under it; the participant stays
 * pending, with no token, until the NA approves it.
 */
import type { RoutesPlugin } from '../../type-provider';
import { problems } from '../../schemas/common';
import { ParticipantBody, ParticipantEnvelope } from '../../schemas/participants';
import * as participants from '../../services/participants';

const registrationRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/registrations',
    {
      config: { access: 'public' },
      schema: {
        tags: ['participants'],
        summary: 'Apply to join (pending until the NA approves; no token until then)',
        body: ParticipantBody,
        response: { 202: ParticipantEnvelope, ...problems(409, 422) },
      },
    },
    async (request, reply) => reply.status(202).send(await participants.apply(app.gateway, request.body)),
  );
};

export default registrationRoutes;
