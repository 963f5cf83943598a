/**
 * Self-registration: anyone may apply. The gateway enrols the applicant its own
 * ledger identity and submits the application under it; the participant stays
 * pending, with no token, until the NA approves it.
 *
 * Enrolment: a household the NA registered for self-custody sends a CSR for its own
 * key with the one-time secret; the Community CA signs it. Public: the secret is the
 * credential.
 */
import type { RoutesPlugin } from '../../type-provider';
import { problems } from '../../schemas/common';
import { Enrolled, EnrolmentBody, ParticipantBody, ParticipantEnvelope } from '../../schemas/participants';
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

  app.post(
    '/enrolments',
    {
      config: { access: 'public' },
      schema: {
        tags: ['participants'],
        summary: 'Enrol a self-custody household: the CA signs its CSR under the one-time secret; a gateway token comes with the certificate',
        description:
          'The private key never leaves the household. 201: enrolled. 200: a retry whose reply was lost (the same secret and a CSR for the ' +
          'same key): the same certificate and a new token. Next the household binds its key on the ledger by signing a `participant.enrol` ' +
          'transaction (POST /v1/transactions). 401 ENROLMENT_REFUSED: unknown id, wrong secret or a secret already used. 422 INVALID_CSR: ' +
          'not a PKCS#10 request, not ECDSA P-256, a bad signature, or its common name is not the participant id.',
        body: EnrolmentBody,
        response: { 200: Enrolled, 201: Enrolled, ...problems(401, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const { created, ...enrolled } = await participants.enrol(app.gateway, request.body);
      return reply.status(created ? 201 : 200).send(enrolled);
    },
  );
};

export default registrationRoutes;
