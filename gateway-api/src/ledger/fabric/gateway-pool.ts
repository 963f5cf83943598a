/**
 * One fabric-gateway Gateway per identity, over a single shared gRPC connection:
 * each household signs as itself, and connecting is paid once per identity.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { LedgerIdentity } from '../port';

export interface Deadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

/** Households number in the hundreds; the cap only bounds a pathological run. */
const MAX_GATEWAYS = 1000;

export class GatewayPool {
  private readonly gateways = new Map<string, Gateway>();

  constructor(
    private readonly client: grpc.Client,
    private readonly deadlines: Deadlines,
  ) {}

  get(identity: LedgerIdentity): Gateway {
    const key = createHash('sha256').update(identity.mspId).update('\0').update(identity.certificate).digest('hex');
    const cached = this.gateways.get(key);
    if (cached) {
      // Re-insert to keep the map in least-recently-used order.
      this.gateways.delete(key);
      this.gateways.set(key, cached);
      return cached;
    }
    const gateway = connect({
      client: this.client,
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + this.deadlines.evaluateMs }),
      endorseOptions: () => ({ deadline: Date.now() + this.deadlines.endorseMs }),
      submitOptions: () => ({ deadline: Date.now() + this.deadlines.submitMs }),
      commitStatusOptions: () => ({ deadline: Date.now() + this.deadlines.commitStatusMs }),
    });
    this.gateways.set(key, gateway);
    if (this.gateways.size > MAX_GATEWAYS) {
      const [oldestKey, oldest] = this.gateways.entries().next().value as [string, Gateway];
      this.gateways.delete(oldestKey);
      oldest.close();
    }
    return gateway;
  }

  close(): void {
    for (const gateway of this.gateways.values()) gateway.close();
    this.gateways.clear();
  }
}
