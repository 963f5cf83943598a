/** Participants: the NA registers, lists and changes the status of households. */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { IdParams, problems } from '../../schemas/common';
import {
  Participant,
  ParticipantEnvelope,
  ParticipantList,
  ParticipantListQuery,
  ParticipantWithToken,
  Registered,
  RegistrationBody,
} from '../../schemas/participants';
import * as participants from '../../services/participants';

const tags = ['participants'];

const participantRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/participants',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Register a household (approved at once): custodial, its token returned this once; or self-custody, its one-time enrolment secret',
        description:
          'custody `gateway` (default): the gateway enrols a key for the household at the Community CA and answers `{participant, token}`. ' +
          'custody `self`: the id is registered at the CA with a one-time secret and on the ledger with no identity; the answer is ' +
          '`{participant, enrolment: {enrollmentId, secret}}`, and the household enrols its own key (POST /v1/enrolments). ' +
          '201: registered. 200: a retry completed an earlier registration whose ledger reply was lost (custodial: the participant is on the ' +
          'ledger, approved and bound to the identity this gateway stored for it before submitting, and no token was issued yet; self-custody: ' +
          'not enrolled yet, the same secret). 409 ALREADY_EXISTS: the id exists otherwise (bound to another identity, its registration ' +
          'finished, or the id is registered at the CA by someone else). 503 CA_UNAVAILABLE: the CA did not answer.',
        body: RegistrationBody,
        response: { 200: Registered, 201: Registered, ...problems(401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      // 200: a retry completed a registration whose ledger reply was lost (services/participants.ts).
      const { created, ...registered } = await participants.register(app.gateway, request.body);
      return reply.status(created ? 201 : 200).header('location', `/v1/participants/${registered.participant.id}`).send(registered);
    },
  );

  app.get(
    '/participants',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'List participants', querystring: ParticipantListQuery, response: { 200: ParticipantList, ...problems(401, 403) } },
    },
    async (request) => {
      const { status, ...page } = request.query;
      return participants.list(app.gateway, status, page);
    },
  );

  app.get(
    '/participants/:id',
    {
      config: { access: 'any' },
      schema: { tags, summary: 'A participant (the NA, or that household)', params: IdParams, response: { 200: Participant, ...problems(401, 403, 404) } },
    },
    async (request) => participants.get(app.gateway, principalOf(request), request.params.id),
  );

  app.post(
    '/participants/:id/approve',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Approve a pending applicant; its token is returned this once',
        params: IdParams,
        response: { 200: ParticipantWithToken, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { participant, token } = await participants.changeStatus(app.gateway, request.params.id, 'approve');
      return { participant, token: token as string };
    },
  );

  for (const action of ['reject', 'suspend', 'reinstate'] as const) {
    app.post(
      `/participants/:id/${action}`,
      {
        config: { access: 'na' },
        schema: {
          tags,
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a participant`,
          params: IdParams,
          response: { 200: ParticipantEnvelope, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { participant } = await participants.changeStatus(app.gateway, request.params.id, action);
        return { participant };
      },
    );
  }

  app.post(
    '/participants/:id/token',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Issue a new token for an approved household (the old one stops working)',
        params: IdParams,
        response: { 200: ParticipantWithToken, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => participants.rotateToken(app.gateway, request.params.id),
  );
};

export default participantRoutes;
