/**
 * Keys the gateway holds are encrypted at rest (identity/wallet-key.ts): the wallet's
 * identities and the embedded CA's key are AES-256-GCM records under
 * GATEWAY_WALLET_KEY / GATEWAY_WALLET_KEY_FILE, or, outside production, a key file
 * the gateway creates in DATA_DIR; a wrong key stops start-up.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '@ecch/gateway-api';
import { loadOrCreateEmbeddedCa } from '@ecch/gateway-api/identity/ca-store';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { Wallet } from '@ecch/gateway-api/identity/wallet';
import { WalletKey, WalletKeyError } from '@ecch/gateway-api/identity/wallet-key';
import { ADMIN, call, openGateway, registerHousehold, removeDir, tempDataDir } from './support/gateway';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '../..');
const newKey = () => randomBytes(32).toString('base64');

let dirs: string[] = [];
function freshDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) removeDir(d);
  dirs = [];
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The forms a private key could be found in on disk: its PEM body, its DER (PKCS#8 and SEC1), their base64 and hex. */
function keyForms(pem: string): string[] {
  const k = createPrivateKey(pem);
  const ders = [k.export({ format: 'der', type: 'pkcs8' }), k.export({ format: 'der', type: 'sec1' }), Buffer.from(k.export({ format: 'jwk' }).d as string, 'base64url')];
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return [body, body.slice(0, 40), ...ders.flatMap((d) => [d.toString('base64').slice(0, 40), d.toString('hex').slice(0, 40), d.subarray(-32).toString('latin1')]), k.export({ format: 'jwk' }).d as string];
}

function expectNoKeyOnDisk(dir: string, privateKeys: string[]): void {
  const files = filesUnder(dir).filter((f) => !f.includes(`${path.sep}ledger${path.sep}`));
  expect(files.length).toBeGreaterThan(3);
  for (const file of files) {
    const content = readFileSync(file).toString('latin1');
    expect({ file, pem: content.includes('PRIVATE KEY') }).toEqual({ file, pem: false });
    for (const pem of privateKeys) for (const form of keyForms(pem)) expect({ file, found: content.includes(form) }).toEqual({ file, found: false });
  }
}

describe('at rest', () => {
  it('when households are registered, then no file in DATA_DIR holds the NA\'s, a household\'s or the CA\'s private key, in PEM, DER, base64 or hex', async () => {
    const dir = freshDir();
    const key = newKey();
    let app = await openGateway(dir, { GATEWAY_WALLET_KEY: key });
    const token = await registerHousehold(app, 'h-enc');
    const keys = [app.gateway.identities.na.privateKey, (await app.gateway.identities.ofParticipant('h-enc'))!.privateKey];
    await app.close();
    const ca = await loadOrCreateEmbeddedCa(dir, WalletKey.fromBytes(Buffer.from(key, 'base64')));
    expectNoKeyOnDisk(dir, [...keys, ca.privateKey]);
    expect(existsSync(path.join(dir, 'ca', 'ca-key.pem'))).toBe(false);
    expect(existsSync(path.join(dir, 'wallet.key'))).toBe(false); // the key came from the setting

    // Records are sealed (0600), and the same key opens them again after a restart.
    const record = JSON.parse(readFileSync(path.join(dir, 'wallet', 'participants', 'h-enc.id'), 'utf8'));
    expect(Object.keys(record).sort()).toEqual(['ciphertext', 'format', 'iv', 'label', 'tag']);
    expect(record.label).toBe('participants/h-enc');
    expect(statSync(path.join(dir, 'wallet', 'participants', 'h-enc.id')).mode & 0o777).toBe(0o600);
    app = await openGateway(dir, { GATEWAY_WALLET_KEY: key });
    expect((await call(app, 'GET', '/v1/participants/h-enc', token)).status).toBe(200);
    expect(app.gateway.identities.na.privateKey).toBe(keys[0]);
    await app.close();
  });

  it('when the same identity is sealed twice, then the ciphertexts differ (a fresh IV per record)', async () => {
    const key = WalletKey.fromBytes(randomBytes(32));
    const a = key.seal('participants/x', 'same');
    const b = key.seal('participants/x', 'same');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(key.open('participants/x', a, 'a')).toBe('same');
  });

  it('when a household\'s record is copied under another label, then it does not open (the label is authenticated)', async () => {
    const dir = freshDir();
    const key = WalletKey.fromBytes(randomBytes(32));
    const wallet = await Wallet.open(dir, key);
    const issued = await issueIdentity(await createCertificateAuthority('ca.t', 'T'), { commonName: 'h-a' });
    await wallet.put('participants', { label: 'h-a', mspId: 'CommunityMSP', ...issued });
    copyFileSync(path.join(dir, 'wallet', 'participants', 'h-a.id'), path.join(dir, 'wallet', 'na', 'admin.id'));
    await expect((await Wallet.open(dir, key)).get('na', 'admin')).rejects.toThrow(WalletKeyError);
  });
});

describe('the key', () => {
  it('when neither setting is given outside production, then wallet.key (0600) is created once with one warning, and reused after a restart', async () => {
    const dir = freshDir();
    let app = await openGateway(dir);
    const keyFile = path.join(dir, 'wallet.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(WalletKey.fromBytes(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'))).toBeDefined();
    expect(app.gateway.warnings).toEqual([expect.stringMatching(/GATEWAY_WALLET_KEY.*GATEWAY_WALLET_KEY_FILE.*only by file permissions/s)]);
    const token = await registerHousehold(app, 'h-dev');
    const first = readFileSync(keyFile, 'utf8');
    await app.close();
    app = await openGateway(dir);
    expect(app.gateway.warnings).toEqual([]);
    expect(readFileSync(keyFile, 'utf8')).toBe(first);
    expect((await call(app, 'GET', '/v1/participants/h-dev', token)).status).toBe(200);
    await app.close();
  });

  it('when GATEWAY_WALLET_KEY_FILE names a secret file, then the key is read from it and opens the wallet as the same key given directly', async () => {
    const dir = freshDir();
    const secret = path.join(freshDir(), 'wallet-key');
    const key = newKey();
    writeFileSync(secret, `${key}\n`, { mode: 0o600 });
    let app = await openGateway(dir, { GATEWAY_WALLET_KEY_FILE: secret });
    expect(app.gateway.warnings).toEqual([]);
    const token = await registerHousehold(app, 'h-file');
    await app.close();
    expect(existsSync(path.join(dir, 'wallet.key'))).toBe(false);
    app = await openGateway(dir, { GATEWAY_WALLET_KEY: key });
    expect((await call(app, 'GET', '/v1/participants/h-file', token)).status).toBe(200);
    await app.close();
  });

  it('when GATEWAY_WALLET_KEY is not the key the wallet was written with, then start-up stops saying so', async () => {
    const dir = freshDir();
    const app = await openGateway(dir, { GATEWAY_WALLET_KEY: newKey() });
    await registerHousehold(app, 'h-wrong');
    await app.close();
    await expect(openGateway(dir, { GATEWAY_WALLET_KEY: newKey() })).rejects.toThrow(
      /the wallet key from GATEWAY_WALLET_KEY does not open .*key-check: it was encrypted under another key/,
    );
    await expect(openGateway(dir)).rejects.toThrow(WalletKeyError); // nor a fresh DATA_DIR/wallet.key
    expect(existsSync(path.join(dir, 'wallet.key'))).toBe(false);
  });

  it('when wallet.key is lost from an encrypted DATA_DIR, then start-up stops naming both settings instead of creating another key', async () => {
    const dir = freshDir();
    await (await openGateway(dir)).close();
    await fs.rm(path.join(dir, 'wallet.key'));
    await expect(openGateway(dir)).rejects.toThrow(/no wallet key: set GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE/);
    expect(existsSync(path.join(dir, 'wallet.key'))).toBe(false);
  });

  it.each([
    ['GATEWAY_WALLET_KEY is not 32 bytes of base64', { GATEWAY_WALLET_KEY: 'c2hvcnQ=' }, /^invalid configuration: GATEWAY_WALLET_KEY /],
    ['both settings are given', { GATEWAY_WALLET_KEY: newKey(), GATEWAY_WALLET_KEY_FILE: '/run/secrets/k' }, /GATEWAY_WALLET_KEY and GATEWAY_WALLET_KEY_FILE are both set/],
    ['NODE_ENV=production has neither', { NODE_ENV: 'production' }, /^invalid configuration: GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE must be set under NODE_ENV=production/],
  ])('when %s, then loadConfig refuses it naming the setting', (_label, settings, message) => {
    expect(() => loadConfig(settings)).toThrow(ConfigError);
    expect(() => loadConfig(settings)).toThrow(message);
  });

  it('when GATEWAY_WALLET_KEY_FILE holds no key, then start-up stops naming it', async () => {
    const secret = path.join(freshDir(), 'bad');
    writeFileSync(secret, 'not a key\n');
    await expect(openGateway(freshDir(), { GATEWAY_WALLET_KEY_FILE: secret })).rejects.toThrow(/^GATEWAY_WALLET_KEY_FILE: .* must hold 32 bytes/);
    await expect(openGateway(freshDir(), { GATEWAY_WALLET_KEY_FILE: `${secret}-missing` })).rejects.toThrow(/^GATEWAY_WALLET_KEY_FILE: cannot read .*ENOENT/);
  });

  it('when `npm start`\'s server starts under NODE_ENV=production with neither setting, then it exits 1 naming both', () => {
    const dir = freshDir();
    const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: 'production', PORT: '0', DATA_DIR: dir, GATEWAY_ADMIN_TOKEN: ADMIN };
    delete env.GATEWAY_WALLET_KEY;
    delete env.GATEWAY_WALLET_KEY_FILE;
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway-api/src/server.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 50_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ecch-gateway: invalid configuration: GATEWAY_WALLET_KEY or GATEWAY_WALLET_KEY_FILE must be set under NODE_ENV=production/);
    expect(readdirSync(dir)).toEqual([]); // stopped before writing anything
  });
});

describe('a DATA_DIR from before encryption', () => {
  it('when the wallet and the CA key are plaintext, then the first open encrypts them in place and the same identities keep working', async () => {
    const dir = freshDir();
    // The layout an earlier gateway wrote: ca/ca-key.pem and JSON identities with PEM keys.
    const ca = await createCertificateAuthority('ca.community.ecch', 'Community');
    mkdirSync(path.join(dir, 'ca'), { recursive: true });
    writeFileSync(path.join(dir, 'ca', 'ca-cert.pem'), ca.certificate);
    writeFileSync(path.join(dir, 'ca', 'ca-key.pem'), ca.privateKey, { mode: 0o600 });
    const na = { label: 'admin', mspId: 'CommunityMSP', ...(await issueIdentity(ca, { commonName: 'ecch-na', attrs: { 'ecch.role': 'na' } })) };
    mkdirSync(path.join(dir, 'wallet', 'na'), { recursive: true });
    writeFileSync(path.join(dir, 'wallet', 'na', 'admin.id'), JSON.stringify(na), { mode: 0o600 });

    const app = await openGateway(dir);
    expect(app.gateway.identities.na.certificate).toBe(na.certificate);
    expect(app.gateway.identities.na.privateKey).toBe(na.privateKey);
    const token = await registerHousehold(app, 'h-old'); // the CA key still issues
    expect((await call(app, 'GET', '/v1/participants/h-old', token)).status).toBe(200);
    await app.close();
    expect(existsSync(path.join(dir, 'ca', 'ca-key.pem'))).toBe(false);
    expectNoKeyOnDisk(dir, [na.privateKey, ca.privateKey]);
  });
});
