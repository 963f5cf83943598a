/**
 * A household registered for self-enrolment binds its own identity (participants:Enrol),
 * pinned to its public key: a second certificate with the same subject and issuer (what
 * a CA re-enrolment, or a registrar that reset the secret, would produce) cannot act for it.
 */
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { community, Community, marketInput, MSP, newIdentity } from '../../support/ledger-fixture';

const profile = (id: string) => JSON.stringify({ id, name: `Household ${id}`, kind: 'prosumer' });
const order = (side: string, energyWh: number) => JSON.stringify({ side, energyWh });

describe('self-enrolment and key pinning', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community();
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterEach(() => c.shutdown());

  it('when the NA registers without an identity, then the participant is approved, unbound, and nobody can trade for it until it enrols', async () => {
    const p = await c.submit<{ status: string; identity?: string }>(c.na, 'participants', 'Register', profile('h1'));
    expect(p.status).toBe('approved');
    expect(p.identity).toBeUndefined();
    const h1 = await newIdentity('h1');
    await expect(c.submit(h1, 'orders', 'Place', 'm1', order('buy', 10))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const enrolled = await c.submit<{ identity: string; publicKey: string }>(h1, 'participants', 'Enrol', 'h1');
    expect(enrolled.identity).toBe(identityKey(MSP, h1.certificate));
    expect(enrolled.publicKey).toMatch(/^[0-9a-f]{64}$/);
    await expect(c.submit(h1, 'orders', 'Place', 'm1', order('buy', 10))).resolves.toMatchObject({ created: true });
  });

  it('when a certificate with the same subject but another key acts, then it is not the household', async () => {
    await c.submit(c.na, 'participants', 'Register', profile('h1'));
    const h1 = await newIdentity('h1');
    await c.submit(h1, 'participants', 'Enrol', 'h1');
    const twin = await newIdentity('h1'); // same CN, same CA: the identity key matches, the key does not
    expect(identityKey(MSP, twin.certificate)).toBe(identityKey(MSP, h1.certificate));
    await expect(c.submit(twin, 'orders', 'Place', 'm1', order('buy', 10))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(c.evaluate(twin, 'participants', 'Get', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.evaluate(twin, 'participants', 'Whoami')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(c.evaluate(h1, 'participants', 'Whoami')).resolves.toMatchObject({ id: 'h1' });
  });

  it('when an applicant applies, then its key is pinned too', async () => {
    const h2 = await newIdentity('h2');
    await c.submit(h2, 'participants', 'Apply', profile('h2'));
    await c.submit(c.na, 'participants', 'SetStatus', 'h2', 'approve');
    const twin = await newIdentity('h2');
    await expect(c.submit(twin, 'orders', 'Place', 'm1', order('sell', 10))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(c.submit(h2, 'orders', 'Place', 'm1', order('sell', 10))).resolves.toMatchObject({ created: true });
  });

  it('when an identity with another common name enrols, then FORBIDDEN and the participant stays unbound', async () => {
    await c.submit(c.na, 'participants', 'Register', profile('h1'));
    const other = await newIdentity('h7');
    await expect(c.submit(other, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const p = await c.evaluate<{ identity?: string }>(c.na, 'participants', 'Get', 'h1');
    expect(p.identity).toBeUndefined();
  });

  it('when a Grid-org certificate or the NA enrols, then FORBIDDEN', async () => {
    await c.submit(c.na, 'participants', 'Register', profile('h1'));
    const grid = await newIdentity('h1', undefined, 'GridMSP');
    await expect(c.submit(grid, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.submit(c.na, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when an enrolled participant is enrolled again, even by the same identity, then INVALID_STATE and the first key stays bound', async () => {
    await c.submit(c.na, 'participants', 'Register', profile('h1'));
    const h1 = await newIdentity('h1');
    const first = await c.submit<{ publicKey: string }>(h1, 'participants', 'Enrol', 'h1');
    const twin = await newIdentity('h1');
    await expect(c.submit(twin, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.submit(h1, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.evaluate(c.na, 'participants', 'Get', 'h1')).resolves.toMatchObject({ publicKey: first.publicKey });
  });

  it('when a participant registered with an identity (custodial) is enrolled, then INVALID_STATE', async () => {
    const h3 = await c.household('h3');
    await expect(c.submit(h3, 'participants', 'Enrol', 'h3')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('when a suspended self-registered household enrols, then PARTICIPANT_NOT_ACTIVE', async () => {
    await c.submit(c.na, 'participants', 'Register', profile('h1'));
    await c.submit(c.na, 'participants', 'SetStatus', 'h1', 'suspend');
    const h1 = await newIdentity('h1');
    await expect(c.submit(h1, 'participants', 'Enrol', 'h1')).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
  });
});
