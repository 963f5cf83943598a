/**
 * Two adapter behaviours the concurrency benchmark asked for: an endorsement refused
 * only by another organisation's (lagging) peer is retried, a refusal from our own
 * organisation's peer is not; and no more than the cap of calls run at once.
 */
import { EndorseError } from '@hyperledger/fabric-gateway';
import { refusedOnlyByOtherOrgs, retryWithin } from '@ecch/gateway-api/ledger/fabric/retry';
import { Semaphore } from '@ecch/gateway-api/ledger/fabric/semaphore';

const grpcCause = Object.assign(new Error('grpc'), { code: 10, details: '', metadata: {} }) as never;

function endorseError(...peers: [mspId: string, message: string][]): EndorseError {
  return new EndorseError({
    code: 10,
    details: peers.map(([mspId, message]) => ({ address: `${mspId}:7051`, mspId, message })),
    cause: grpcCause,
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    transactionId: 'tx1',
  });
}

describe('endorsement refused by lagging peers', () => {
  it('when only the Grid peer refuses, then it counts as lagging; our own peer\'s refusal or a mix does not', () => {
    expect(refusedOnlyByOtherOrgs(endorseError(['GridMSP', 'chaincode response 500, NOT_FOUND: order o-1 does not exist']), 'CommunityMSP')).toBe(true);
    expect(refusedOnlyByOtherOrgs(endorseError(['CommunityMSP', 'chaincode response 500, FORBIDDEN: no']), 'CommunityMSP')).toBe(false);
    expect(refusedOnlyByOtherOrgs(endorseError(['GridMSP', 'x'], ['CommunityMSP', 'y']), 'CommunityMSP')).toBe(false);
    expect(refusedOnlyByOtherOrgs(endorseError(), 'CommunityMSP')).toBe(false);
    expect(refusedOnlyByOtherOrgs(new Error('plain'), 'CommunityMSP')).toBe(false);
  });

  it('when the lagging peer catches up within the budget, then the endorsement succeeds on a later attempt', async () => {
    let calls = 0;
    const endorse = async () => {
      calls += 1;
      if (calls < 3) throw endorseError(['GridMSP', 'chaincode response 500, NOT_FOUND: order o-1 does not exist']);
      return 'endorsed';
    };
    const retryable = (err: unknown) => refusedOnlyByOtherOrgs(err, 'CommunityMSP');
    await expect(retryWithin(endorse, { budgetMs: 3000, baseDelayMs: 10, maxDelayMs: 20, retryable })).resolves.toBe('endorsed');
    expect(calls).toBe(3);
  });

  it('when our own peer refuses, then the refusal is reported at once', async () => {
    let calls = 0;
    const endorse = async () => {
      calls += 1;
      throw endorseError(['CommunityMSP', 'chaincode response 500, FORBIDDEN: order o-1 belongs to another participant']);
    };
    const retryable = (err: unknown) => refusedOnlyByOtherOrgs(err, 'CommunityMSP');
    await expect(retryWithin(endorse, { budgetMs: 3000, baseDelayMs: 10, retryable })).rejects.toBeInstanceOf(EndorseError);
    expect(calls).toBe(1);
  });
});

describe('in-flight cap', () => {
  it('runs at most `limit` tasks at once, starts the rest in order, and frees places on failure', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      if (i % 4 === 0) throw new Error(`task ${i} failed`);
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => sem.run(task(i))));
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect(sem.active).toBe(0);
    expect(sem.queued).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
