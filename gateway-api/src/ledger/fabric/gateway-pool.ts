/**
 * One fabric-gateway Gateway per identity, over a single shared gRPC connection:
 * each household signs as itself, and connecting is paid once per identity. A
 * creator that signs offline gets a Gateway with its certificate and no signer
 * (`unsigned`): the gateway can build and send its messages, never sign them.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { Creator, LedgerIdentity } from '../port';

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
    return this.cached('signed', identity, () => signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)));
  }

  /** A Gateway for a creator that signs offline: no signer, so every message it sends carries the creator's own signature. */
  unsigned(creator: Creator): Gateway {
    return this.cached('unsigned', creator, () => undefined);
  }

  private cached(kind: 'signed' | 'unsigned', identity: Creator, signer: () => ReturnType<typeof signers.newPrivateKeySigner> | undefined): Gateway {
    const key = createHash('sha256').update(kind).update('\0').update(identity.mspId).update('\0').update(identity.certificate).digest('hex');
    const cached = this.gateways.get(key);
    if (cached) {
      // Re-insert to keep the map in least-recently-used order.
      this.gateways.delete(key);
      this.gateways.set(key, cached);
      return cached;
    }
    const sign = signer();
    const gateway = connect({
      client: this.client,
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      ...(sign ? { signer: sign } : {}),
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
