/** Price-based demand response (sim/demand-response.ts): the rule, and energy conserved per home and day. */
import fc from 'fast-check';
import { HourInput } from '@ecch/simulator/agent/position';
import { hourSlots } from '@ecch/simulator/fixtures/series';
import { shiftDemand } from '@ecch/simulator/sim/demand-response';

const slots = hourSlots('2026-06-21', 48);
const flat = (wh: number): HourInput[] => slots.map(() => ({ generationWh: 0, demandWh: wh }));
const byDay = (hours: readonly HourInput[]) => {
  const days = new Map<string, number>();
  slots.forEach((s, i) => days.set(s.localDate, (days.get(s.localDate) ?? 0) + hours[i].demandWh));
  return days;
};

describe('demand response', () => {
  it('when midday is expected cheap, then 10 % of every hour moves there, in proportion to how far below the day’s highest its price is', () => {
    // B all day, S at 11:00 and 12:00, halfway at 13:00.
    const price = slots.map((s) => (s.localHour === 11 || s.localHour === 12 ? 40_000 : s.localHour === 13 ? 85_000 : 130_000));
    const out = shiftDemand(new Map([['h', flat(1000)]]), slots, price, 0.1).get('h')!;
    // Each hour gives up 100 Wh, 2400 Wh a day, shared 2 : 2 : 1 over 11, 12 and 13 h.
    expect(out[0].demandWh).toBe(900);
    expect(out[11].demandWh).toBe(900 + 960);
    expect(out[12].demandWh).toBe(900 + 960);
    expect(out[13].demandWh).toBe(900 + 480);
    expect(out[24 + 11].demandWh).toBe(1860);
  });

  it('when the expected price does not vary within a day, then that day keeps its profile', () => {
    const input = new Map([['h', flat(777)]]);
    expect(shiftDemand(input, slots, slots.map(() => 130_000), 0.1).get('h')).toEqual(input.get('h'));
  });

  it('when the share is 0, then nothing moves', () => {
    const input = new Map([['h', flat(500)]]);
    expect(shiftDemand(input, slots, slots.map((_, i) => i * 1000), 0).get('h')).toEqual(input.get('h'));
  });

  it('conserves every home’s demand per day to the Wh, never goes below 0 and leaves PV alone, for any profile and price', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 48, maxLength: 48 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 48, maxLength: 48 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (demand, price, share) => {
          const hours = demand.map((d, i) => ({ generationWh: i * 10, demandWh: d }));
          const out = shiftDemand(new Map([['h', hours]]), slots, price, share).get('h')!;
          expect(byDay(out)).toEqual(byDay(hours));
          out.forEach((h, i) => {
            expect(Number.isInteger(h.demandWh)).toBe(true);
            expect(h.demandWh).toBeGreaterThanOrEqual(0);
            expect(h.generationWh).toBe(hours[i].generationWh);
          });
        },
      ),
    );
  });

  it('refuses a share outside [0, 1]', () => {
    expect(() => shiftDemand(new Map(), slots, [], 1.5)).toThrow(RangeError);
  });
});
