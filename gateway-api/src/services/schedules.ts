/** Schedule use cases (the market clock, mechanisms.md §6): the NA's transactions and reads. */
import type { Static } from '@sinclair/typebox';
import type { Schedule, ScheduleView } from '@ecch/chaincode';
import type { GatewayContext } from '../context';
import type { ScheduleBody } from '../schemas/schedules';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';

export type ScheduleInput = Static<typeof ScheduleBody>;

export function create(gw: GatewayContext, input: ScheduleInput): Promise<Schedule> {
  return gw.chaincode.submit(gw.identities.na, 'schedules', 'Create', JSON.stringify(input));
}

/** Stops every later step of the schedule; the markets it created stay. */
export function cancel(gw: GatewayContext, id: string): Promise<Schedule> {
  return gw.chaincode.submit(gw.identities.na, 'schedules', 'Cancel', id);
}

export type ScheduleState = ScheduleView;

/** The schedule with each interval's state (its market's status, or `pending`). */
export function get(gw: GatewayContext, id: string): Promise<ScheduleState> {
  return gw.chaincode.evaluate(gw.identities.na, 'schedules', 'Get', id);
}

export async function list(gw: GatewayContext, page: PageArgs): Promise<Page<Schedule>> {
  const scope = 'schedules';
  return toPage(await gw.chaincode.evaluate(gw.identities.na, 'schedules', 'List', ...pageArgs(page, scope)), scope);
}
