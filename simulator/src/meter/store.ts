/**
 * A meter's key and certificate on disk, so a meter keeps its identity between runs:
 * `<dir>/<meterId>.key.pem` (mode 0600) and `<dir>/<meterId>.cert.pem`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { meterFromPem, type Meter } from './meter';
import { METER_ID } from './reading';

export interface MeterPaths {
  key: string;
  certificate: string;
}

export function meterPaths(dir: string, meterId: string): MeterPaths {
  // The id's character set has no path separator and cannot start with '.', so the files stay in `dir`.
  if (!METER_ID.test(meterId)) throw new Error(`meter id ${JSON.stringify(meterId)} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  return { key: join(dir, `${meterId}.key.pem`), certificate: join(dir, `${meterId}.cert.pem`) };
}

export function hasMeter(dir: string, meterId: string): boolean {
  const p = meterPaths(dir, meterId);
  return existsSync(p.key) && existsSync(p.certificate);
}

/** Writes the meter's key (0600) and certificate; the directory is made 0700 if new. */
export function saveMeter(dir: string, meter: Meter): MeterPaths {
  if (!meter.privateKeyPem) throw new Error(`meter ${meter.meterId}: no private key to save`);
  const p = meterPaths(dir, meter.meterId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(p.key, meter.privateKeyPem, { mode: 0o600 });
  chmodSync(p.key, 0o600); // writeFileSync's mode applies only to a new file
  writeFileSync(p.certificate, meter.certificatePem);
  return p;
}

/**
 * Replaces the saved meter's certificate with `certificatePem` (a CA-issued one for the
 * same key), leaving the key file untouched; refuses a certificate for another key.
 */
export function saveMeterCertificate(dir: string, meterId: string, certificatePem: string): MeterPaths {
  const current = loadMeter(dir, meterId);
  meterFromPem(meterId, certificatePem, current.privateKeyPem!); // throws if the key does not match
  const p = meterPaths(dir, meterId);
  writeFileSync(p.certificate, certificatePem);
  return p;
}

/** The meter saved in `dir`; an error naming the missing file if there is none. */
export function loadMeter(dir: string, meterId: string): Meter {
  const p = meterPaths(dir, meterId);
  for (const file of [p.key, p.certificate]) {
    if (!existsSync(file)) throw new Error(`meter ${meterId}: ${file} not found (run "meter init --meter ${meterId} --dir ${dir}" first)`);
  }
  return meterFromPem(meterId, readFileSync(p.certificate, 'utf8'), readFileSync(p.key, 'utf8'));
}
