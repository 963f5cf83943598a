/** Participant shapes as api.md states them: PV in kWp and battery in kWh (decimals allowed). */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, ListOf, PageQuery } from './common';

export const ParticipantStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('suspended'),
]);
export const Dwelling = Type.Union([Type.Literal('villa'), Type.Literal('flat')]);

export const ParticipantBody = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    kind: Type.Union([Type.Literal('prosumer'), Type.Literal('consumer'), Type.Literal('storage'), Type.Literal('res-owner'), Type.Literal('generator')]),
    pvKwp: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'PV capacity in kWp; stored as whole Wp' })),
    batteryKwh: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'battery capacity in kWh; stored as whole Wh' })),
    lot: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    dwelling: Type.Optional(Dwelling),
  },
  { additionalProperties: false },
);
export type ParticipantBody = Static<typeof ParticipantBody>;

export const Custody = Type.Union([Type.Literal('gateway'), Type.Literal('self')], {
  description:
    '`gateway` (default): the gateway enrols a key for the household and signs for it. ' +
    '`self`: the household enrols its own key with the one-time secret this registration returns and signs its own transactions',
});

export const RegistrationBody = Type.Object(
  { ...ParticipantBody.properties, custody: Type.Optional(Custody) },
  { additionalProperties: false },
);
export type RegistrationBody = Static<typeof RegistrationBody>;

export const Participant = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    status: ParticipantStatus,
    pvKwp: Type.Optional(Type.Number()),
    batteryKwh: Type.Optional(Type.Number()),
    lot: Type.Optional(Type.Integer()),
    dwelling: Type.Optional(Type.String()),
    registeredAt: Instant,
    updatedAt: Type.Optional(Instant),
    identity: Type.Optional(Type.String({ description: 'the bound ledger identity (shown to the NA only)' })),
    awaitingEnrolment: Type.Optional(
      Type.Literal(true, { description: 'registered for self-custody and not enrolled yet: no identity is bound, nobody can act for it' }),
    ),
  },
  { description: 'a household' },
);
export type Participant = Static<typeof Participant>;

export const ParticipantWithToken = Type.Object({
  participant: Participant,
  token: Type.String({ description: 'the household bearer token; shown this once, stored only as a hash' }),
});
export const Enrolment = Type.Object(
  {
    enrollmentId: Type.String({ description: 'the enrolment id at the Community CA (the participant id)' }),
    secret: Type.String({ description: 'the one-time enrolment secret: give it to the household; it enrols once' }),
  },
  { description: 'what a self-custody household enrols with (POST /v1/enrolments)' },
);
export const ParticipantWithEnrolment = Type.Object({ participant: Participant, enrolment: Enrolment });
export const Registered = Type.Union([ParticipantWithToken, ParticipantWithEnrolment]);
export const ParticipantEnvelope = Type.Object({ participant: Participant });

export const EnrolmentBody = Type.Object(
  {
    participantId: Id,
    secret: Type.String({ minLength: 1, maxLength: 200 }),
    csr: Type.String({ minLength: 1, maxLength: 8192, description: 'PEM PKCS#10 request, ECDSA P-256, subject CN = the participant id' }),
  },
  { additionalProperties: false },
);
export type EnrolmentBody = Static<typeof EnrolmentBody>;

export const Enrolled = Type.Object({
  certificate: Type.String({ description: 'PEM certificate the Community CA issued for the CSR' }),
  caCertificate: Type.String({ description: 'PEM certificate of the CA it chains to' }),
  token: Type.String({ description: 'the household bearer token for the gateway (it signs nothing: the household signs its transactions)' }),
});
export const ParticipantList = ListOf(Participant);

export const ParticipantListQuery = Type.Object({ status: Type.Optional(ParticipantStatus), ...PageQuery }, { additionalProperties: false });

export const ParticipantAction = Type.Union([
  Type.Literal('approve'),
  Type.Literal('reject'),
  Type.Literal('suspend'),
  Type.Literal('reinstate'),
]);
