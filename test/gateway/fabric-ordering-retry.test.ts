/**
 * The Fabric adapter's retry of the ordering step, without a network: which gRPC
 * failures are repeated (the ordering service was unavailable or did not answer in
 * time) and the time budget that bounds it. The real thing, a Raft leader stopped
 * mid-run, is test/network/faults.test.ts.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { isOrderingUnavailable, retryWithin } from '@ecch/gateway-api/ledger/fabric/retry';

function gatewayError(code: number): GatewayError {
  const cause = Object.assign(new Error('grpc'), { code, details: '', metadata: {} }) as never;
  return new GatewayError({ code, details: [], cause, message: `${code} orderer trouble` });
}

describe('retry of the ordering step', () => {
  it('when no orderer takes the transaction (UNAVAILABLE), or the broadcast times out or is cut off, then it is retryable', () => {
    expect(isOrderingUnavailable(gatewayError(GrpcStatus.UNAVAILABLE))).toBe(true);
    expect(isOrderingUnavailable(gatewayError(GrpcStatus.DEADLINE_EXCEEDED))).toBe(true);
    expect(isOrderingUnavailable(gatewayError(GrpcStatus.CANCELLED))).toBe(true);
  });

  it('when the orderer refused the transaction (ABORTED: a 4xx), or it failed validation, then it is not', () => {
    expect(isOrderingUnavailable(gatewayError(GrpcStatus.ABORTED))).toBe(false);
    expect(isOrderingUnavailable(gatewayError(GrpcStatus.FAILED_PRECONDITION))).toBe(false);
    expect(isOrderingUnavailable(new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' }))).toBe(false);
    expect(isOrderingUnavailable(new Error('UNAVAILABLE'))).toBe(false);
  });

  it('when the ordering service comes back within the budget, then the same attempt is repeated until it succeeds', async () => {
    let calls = 0;
    const result = await retryWithin(
      async () => {
        calls += 1;
        if (calls < 4) throw gatewayError(GrpcStatus.UNAVAILABLE);
        return 'ordered';
      },
      { budgetMs: 5_000, baseDelayMs: 1, maxDelayMs: 2 },
    );
    expect({ result, calls }).toEqual({ result: 'ordered', calls: 4 });
  });

  it('when it stays unavailable, then retries stop once the budget is spent and the last error is thrown', async () => {
    let calls = 0;
    const failure = gatewayError(GrpcStatus.UNAVAILABLE);
    const started = Date.now();
    await expect(
      retryWithin(
        async () => {
          calls += 1;
          throw failure;
        },
        { budgetMs: 200, baseDelayMs: 20, maxDelayMs: 40 },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when the budget is 0 or the failure is not retryable, then there is exactly one attempt', async () => {
    for (const [failure, budgetMs] of [
      [gatewayError(GrpcStatus.UNAVAILABLE), 0],
      [gatewayError(GrpcStatus.ABORTED), 5_000],
    ] as const) {
      let calls = 0;
      await expect(
        retryWithin(
          async () => {
            calls += 1;
            throw failure;
          },
          { budgetMs, baseDelayMs: 1 },
        ),
      ).rejects.toBe(failure);
      expect(calls).toBe(1);
    }
  });
});
