/**
 * Metered delivery (mechanisms.md §7): meters (NA), signed readings (no token: the
 * meter's signature authenticates; rate-limited per client address like any
 * anonymous request), reading conflicts (NA) and market reconciliation.
 */
import type { RoutesPlugin } from '../../type-provider';
import { principalOf } from '../../plugins/app/auth';
import { ApiError } from '../../errors/api-error';
import { IdParams, problems } from '../../schemas/common';
import {
  MAX_READINGS_PER_REQUEST,
  Meter,
  MeterBody,
  MeterEnrolment,
  MeterEnrolmentBody,
  MeterList,
  MeterListQuery,
  MeterParams,
  ReadingAccepted,
  ReadingBatchResult,
  ReadingConflictList,
  ReadingConflictQuery,
  READINGS_BODY_LIMIT,
  ReadingsBody,
  Reconciled,
  Reconciliation,
} from '../../schemas/meters';
import * as meters from '../../services/meters';

const meterRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/meters',
    {
      config: { access: 'na' },
      schema: {
        tags: ['meters'],
        summary: "Register a participant's meter with its own certificate; a participant's earlier meter is marked replaced (its readings stay)",
        description: '201: registered. 200: the same registration again (a retry). 409 ALREADY_EXISTS: the meter id, or the certificate\'s key, is taken.',
        body: MeterBody,
        response: { 200: Meter, 201: Meter, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { meter, created } = await meters.register(app.gateway, request.body);
      return reply.status(created ? 201 : 200).header('location', `/v1/meters/${meter.meterId}`).send(meter);
    },
  );

  app.post(
    '/meter-enrolments',
    {
      config: { access: 'na' },
      schema: {
        tags: ['meters'],
        summary: "Enrol a meter at the Community CA: the CA signs the meter's CSR with ecch.meter=<meterId> (the meter's key never leaves it); then register it with POST /v1/meters",
        description:
          "201: the certificate. A retry (a lost reply) enrols the CSR again: a certificate for the same key. 422 INVALID_CSR: malformed, not P-256, or its CN is not `<meterId>@meter`. " +
          '409 ALREADY_EXISTS: the enrolment id was registered at the CA by someone else. 503 CA_UNAVAILABLE.',
        body: MeterEnrolmentBody,
        response: { 201: MeterEnrolment, ...problems(409, 422, 502) },
      },
    },
    async (request, reply) => reply.status(201).send(await meters.enrol(app.gateway, request.body)),
  );

  app.get(
    '/meters',
    {
      config: { access: 'na' },
      schema: { tags: ['meters'], summary: 'Every meter, active and replaced, by meter id', querystring: MeterListQuery, response: { 200: MeterList, ...problems() } },
    },
    async (request) => meters.list(app.gateway, request.query),
  );

  app.get(
    '/meters/:meterId',
    {
      config: { access: 'na' },
      schema: { tags: ['meters'], summary: 'One meter', params: MeterParams, response: { 200: Meter, ...problems(404) } },
    },
    async (request) => meters.get(app.gateway, request.params.meterId),
  );

  app.get(
    '/participants/:id/meter',
    {
      config: { access: 'any' },
      schema: { tags: ['meters'], summary: "A participant's active meter (the NA, or that household)", params: IdParams, response: { 200: Meter, ...problems(404) } },
    },
    async (request) => meters.ofParticipant(app.gateway, principalOf(request), request.params.id),
  );

  app.post(
    '/readings',
    {
      config: { access: 'public' },
      bodyLimit: READINGS_BODY_LIMIT,
      schema: {
        tags: ['meters'],
        summary: 'Submit a signed reading, or a batch {items} of them (one ledger transaction); no token: the signature authenticates',
        description:
          '`{reading, signature}`: 201 recorded, 200 the same reading again; 409 READING_CONFLICT (a different signed reading for that meter and ' +
          'interval: refused, and kept as evidence the NA lists at GET /v1/reading-conflicts), 409 READING_LATE (its market is reconciled), ' +
          '422 BAD_SIGNATURE, 404 (unknown meter, or no market delivers that interval), 409 INVALID_STATE (the interval has not started, or the ' +
          `meter was replaced before it). \`{items: [...]}\`: 200 with one result per item, each with the status and code a single reading would get; at most ${MAX_READINGS_PER_REQUEST} items (413 otherwise).`,
        body: ReadingsBody,
        response: { 200: { anyOf: [ReadingAccepted, ReadingBatchResult] }, 201: ReadingAccepted, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ('items' in body) {
        if (body.items.length > MAX_READINGS_PER_REQUEST) {
          throw new ApiError(413, 'INPUT_TOO_LARGE', `a batch carries at most ${MAX_READINGS_PER_REQUEST} readings, got ${body.items.length}`);
        }
        return reply.status(200).send(await meters.submitBatch(app.gateway, body.items));
      }
      const { status, outcome } = await meters.submitOne(app.gateway, body);
      return reply.status(status as 200 | 201).send({ status, meterId: outcome.meterId ?? '', intervalStart: outcome.intervalStart ?? '', marketId: outcome.marketId ?? '' });
    },
  );

  app.get(
    '/reading-conflicts',
    {
      config: { access: 'na' },
      schema: {
        tags: ['meters'],
        summary: 'The evidence: validly signed readings that conflicted with the one recorded for their meter and interval',
        querystring: ReadingConflictQuery,
        response: { 200: ReadingConflictList, ...problems() },
      },
    },
    async (request) => {
      const { meterId, ...page } = request.query;
      return meters.conflicts(app.gateway, meterId, page);
    },
  );

  app.post(
    '/markets/:id/reconcile',
    {
      config: { access: 'na' },
      schema: {
        tags: ['markets'],
        summary: 'Reconcile a settled market with its meter readings once its reading window has ended: settled → reconciled',
        description: '409 INVALID_STATE: not settled (already reconciled, not yet cleared), or before deliveryStart + durationMinutes + readingWindowMinutes.',
        params: IdParams,
        response: { 200: Reconciled, ...problems(404, 409) },
      },
    },
    async (request) => meters.reconcile(app.gateway, request.params.id),
  );

  app.get(
    '/markets/:id/reconciliation',
    {
      config: { access: 'any' },
      schema: {
        tags: ['markets'],
        summary: "A reconciled market's imbalances per metered participant and the grid's amount",
        description: '409 RESULT_NOT_AVAILABLE before the market is reconciled.',
        params: IdParams,
        response: { 200: Reconciliation, ...problems(404, 409) },
      },
    },
    async (request) => meters.reconciliation(app.gateway, principalOf(request), request.params.id),
  );
};

export default meterRoutes;
