/** Participants: NA registration, self-registration and approval, status changes, reads. */
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ADMIN, call, expectProblem, openGateway, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir);
});
afterAll(async () => {
  await app.close();
  removeDir(dir);
});

describe('POST /v1/participants', () => {
  it('when the NA registers a household, then it is approved at once and its token is returned', async () => {
    const r = await call(app, 'POST', '/v1/participants', ADMIN, { id: 'p1', name: 'Villa 1', kind: 'prosumer', pvKwp: 5.5, batteryKwh: 13.5, lot: 2 });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe('/v1/participants/p1');
    expect(r.body.participant).toEqual(
      expect.objectContaining({ id: 'p1', name: 'Villa 1', kind: 'prosumer', status: 'approved', pvKwp: 5.5, batteryKwh: 13.5, lot: 2 }),
    );
    expect(r.body.participant.registeredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.body.token).toMatch(/^ecch_hh_[A-Za-z0-9_-]{43}$/);
    const me = await call(app, 'GET', '/v1/participants/p1', r.body.token);
    expect(me.status).toBe(200);
  });

  it('when kWp and kWh have more decimals than whole W/Wh, then they are rounded to whole W/Wh on the ledger', async () => {
    const r = await call(app, 'POST', '/v1/participants', ADMIN, { id: 'p-round', name: 'Flat', kind: 'consumer', pvKwp: 3.2004, batteryKwh: 0.0015 });
    expect(r.status).toBe(201);
    expect(r.body.participant).toEqual(expect.objectContaining({ pvKwp: 3.2, batteryKwh: 0.002 }));
  });

  it('when the id exists, then 409 ALREADY_EXISTS', async () => {
    await registerHousehold(app, 'p-dup');
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, { id: 'p-dup', name: 'x', kind: 'consumer' }), 409, 'ALREADY_EXISTS');
  });

  it('when the body breaks the schema, then 400 with one errors[] entry per field', async () => {
    const r = await call(app, 'POST', '/v1/participants', ADMIN, { id: '-bad', name: 'x', kind: 'miner', pvKwp: -1, colour: 'red' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    const paths = (r.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['/body/colour', '/body/id', '/body/pvKwp']));
    expect(paths.some((p) => p.startsWith('/body/kind'))).toBe(true);
  });

  it('when the id is the grid account\'s, then the ledger refuses it (422 INVALID_ARGUMENT)', async () => {
    expectProblem(await call(app, 'POST', '/v1/participants', ADMIN, { id: 'grid', name: 'x', kind: 'consumer' }), 422, 'INVALID_ARGUMENT');
  });

  it('when a household calls it, then 403', async () => {
    const token = await registerHousehold(app, 'p-h');
    expectProblem(await call(app, 'POST', '/v1/participants', token, { id: 'p-h2', name: 'x', kind: 'consumer' }), 403, 'FORBIDDEN');
  });

  it('when it succeeded, then the wallet holds the identity in a 0600 file in a 0700 folder and the token only as a hash', async () => {
    const token = await registerHousehold(app, 'p-wallet');
    const file = path.join(dir, 'wallet', 'participants', 'p-wallet.id');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dir, 'wallet'))).mode & 0o777).toBe(0o700);
    const stored = await fs.readFile(path.join(dir, 'auth', 'tokens.json'), 'utf8');
    expect(stored).not.toContain(token);
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
  });
});

describe('self-registration and approval', () => {
  it('when a household applies, then it is pending with no token, and approval returns a working token', async () => {
    const applied = await call(app, 'POST', '/v1/registrations', undefined, { id: 'p-apply', name: 'Applicant', kind: 'consumer' });
    expect(applied.status).toBe(202);
    expect(applied.body).toEqual({ participant: expect.objectContaining({ id: 'p-apply', status: 'pending' }) });
    expect(applied.body.token).toBeUndefined();
    expect(applied.body.participant.identity).toBeUndefined();

    const approved = await call(app, 'POST', '/v1/participants/p-apply/approve', ADMIN);
    expect(approved.status).toBe(200);
    expect(approved.body.participant.status).toBe('approved');
    const me = await call(app, 'GET', '/v1/participants/p-apply', approved.body.token);
    expect(me.status).toBe(200);
    expect(me.body.status).toBe('approved');
  });

  it('when an applicant is approved twice, then the second is 409 INVALID_STATE', async () => {
    await call(app, 'POST', '/v1/registrations', undefined, { id: 'p-twice', name: 'A', kind: 'consumer' });
    await call(app, 'POST', '/v1/participants/p-twice/approve', ADMIN);
    expectProblem(await call(app, 'POST', '/v1/participants/p-twice/approve', ADMIN), 409, 'INVALID_STATE');
  });

  it('when an applicant is rejected, then its status is rejected', async () => {
    await call(app, 'POST', '/v1/registrations', undefined, { id: 'p-rej', name: 'A', kind: 'storage' });
    const r = await call(app, 'POST', '/v1/participants/p-rej/reject', ADMIN);
    expect(r.status).toBe(200);
    expect(r.body.participant.status).toBe('rejected');
  });

  it('when an id is taken, then applying is 409', async () => {
    await registerHousehold(app, 'p-taken');
    expectProblem(await call(app, 'POST', '/v1/registrations', undefined, { id: 'p-taken', name: 'A', kind: 'consumer' }), 409, 'ALREADY_EXISTS');
  });

  it('when approving an unknown id, then 404', async () => {
    expectProblem(await call(app, 'POST', '/v1/participants/nobody/approve', ADMIN), 404, 'NOT_FOUND');
  });
});

describe('suspension', () => {
  it('when the NA suspends a household, then its token is refused with 403 until reinstated', async () => {
    const token = await registerHousehold(app, 'p-susp');
    const suspended = await call(app, 'POST', '/v1/participants/p-susp/suspend', ADMIN);
    expect(suspended.body.participant.status).toBe('suspended');
    expectProblem(await call(app, 'GET', '/v1/participants/p-susp', token), 403, 'FORBIDDEN');
    expectProblem(await call(app, 'GET', '/v1/markets', token), 403, 'FORBIDDEN');
    const reinstated = await call(app, 'POST', '/v1/participants/p-susp/reinstate', ADMIN);
    expect(reinstated.body.participant.status).toBe('approved');
    expect((await call(app, 'GET', '/v1/participants/p-susp', token)).status).toBe(200);
  });
});

describe('reads', () => {
  it('when the NA lists with ?status=, then only that status is returned', async () => {
    await call(app, 'POST', '/v1/registrations', undefined, { id: 'p-pending', name: 'A', kind: 'consumer' });
    const pending = await call(app, 'GET', '/v1/participants?status=pending', ADMIN);
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((p: { id: string }) => p.id)).toContain('p-pending');
    expect(pending.body.items.every((p: { status: string }) => p.status === 'pending')).toBe(true);
    const all = await call(app, 'GET', '/v1/participants', ADMIN);
    expect(all.body.items.length).toBeGreaterThan(pending.body.items.length);
  });

  it('when a household reads another household, then the ledger refuses it (403)', async () => {
    const a = await registerHousehold(app, 'p-a');
    await registerHousehold(app, 'p-b');
    expectProblem(await call(app, 'GET', '/v1/participants/p-b', a), 403, 'FORBIDDEN');
  });

  it('when a household reads itself, then its bound identity is not shown; the NA sees it', async () => {
    const token = await registerHousehold(app, 'p-self');
    expect((await call(app, 'GET', '/v1/participants/p-self', token)).body.identity).toBeUndefined();
    expect((await call(app, 'GET', '/v1/participants/p-self', ADMIN)).body.identity).toMatch(/^CommunityMSP::x509::/);
  });

  it('when the participant does not exist, then 404', async () => {
    expectProblem(await call(app, 'GET', '/v1/participants/ghost', ADMIN), 404, 'NOT_FOUND');
  });

  it('when the NA rotates a token, then the new one works and the old one is 401', async () => {
    const old = await registerHousehold(app, 'p-rot');
    const r = await call(app, 'POST', '/v1/participants/p-rot/token', ADMIN);
    expect(r.status).toBe(200);
    expect((await call(app, 'GET', '/v1/participants/p-rot', r.body.token)).status).toBe(200);
    expectProblem(await call(app, 'GET', '/v1/participants/p-rot', old), 401, 'UNAUTHENTICATED');
  });
});
