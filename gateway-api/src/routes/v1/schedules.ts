/** Schedules of the market clock (mechanisms.md §6): the NA's only. */
import type { RoutesPlugin } from '../../type-provider';
import { problems } from '../../schemas/common';
import { Schedule, ScheduleBody, ScheduleList, ScheduleListQuery, ScheduleParams, ScheduleWithIntervals } from '../../schemas/schedules';
import * as schedules from '../../services/schedules';

const tags = ['schedules'];

const scheduleRoutes: RoutesPlugin = async (app) => {
  app.post(
    '/schedules',
    {
      config: { access: 'na' },
      schema: {
        tags,
        summary: 'Create a schedule: the clock creates, opens, gate-closes, clears and reconciles a market for each of its intervals',
        body: ScheduleBody,
        response: { 201: Schedule, ...problems(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const schedule = await schedules.create(app.gateway, request.body);
      return reply.status(201).header('location', `/v1/schedules/${schedule.id}`).send(schedule);
    },
  );

  app.get(
    '/schedules',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'Schedules, by id', querystring: ScheduleListQuery, response: { 200: ScheduleList, ...problems(401, 403) } },
    },
    async (request) => schedules.list(app.gateway, request.query),
  );

  app.get(
    '/schedules/:id',
    {
      config: { access: 'na' },
      schema: { tags, summary: 'A schedule with each interval\'s state', params: ScheduleParams, response: { 200: ScheduleWithIntervals, ...problems(401, 403, 404) } },
    },
    async (request) => schedules.get(app.gateway, request.params.id),
  );

  // `stop` is the specification's name (api.md), `cancel` the one the markets use: the same transaction.
  for (const action of ['cancel', 'stop'] as const) {
    app.post(
      `/schedules/:id/${action}`,
      {
        config: { access: 'na' },
        schema: {
          tags,
          summary: `${action === 'cancel' ? 'Cancel' : 'Stop (the same as cancel)'} a schedule: the clock takes no further step; markets it created stay for the NA`,
          params: ScheduleParams,
          response: { 200: Schedule, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => schedules.cancel(app.gateway, request.params.id),
    );
  }
};

export default scheduleRoutes;
