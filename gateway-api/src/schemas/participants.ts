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
    kind: Type.Union([Type.Literal('prosumer'), Type.Literal('consumer'), Type.Literal('storage'), Type.Literal('res-owner')]),
    pvKwp: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'PV capacity in kWp; stored as whole Wp' })),
    batteryKwh: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'battery capacity in kWh; stored as whole Wh' })),
    lot: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    dwelling: Type.Optional(Dwelling),
  },
  { additionalProperties: false },
);
export type ParticipantBody = Static<typeof ParticipantBody>;

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
  },
  { description: 'a household' },
);
export type Participant = Static<typeof Participant>;

export const ParticipantWithToken = Type.Object({
  participant: Participant,
  token: Type.String({ description: 'the household bearer token; shown this once, stored only as a hash' }),
});
export const ParticipantEnvelope = Type.Object({ participant: Participant });
export const ParticipantList = ListOf(Participant);

export const ParticipantListQuery = Type.Object({ status: Type.Optional(ParticipantStatus), ...PageQuery }, { additionalProperties: false });

export const ParticipantAction = Type.Union([
  Type.Literal('approve'),
  Type.Literal('reject'),
  Type.Literal('suspend'),
  Type.Literal('reinstate'),
]);
