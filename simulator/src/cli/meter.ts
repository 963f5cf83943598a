/**
 * `npm run meter -- <command>`: a meter (or a head-end system holding several) on the
 * command line. The key stays in the keys directory (0600); only the certificate and
 * signed readings leave it.
 *
 *   init     --meter ID --dir DIR                     make the meter's key and certificate, print the certificate's path
 *   enrol    --meter ID --dir DIR --gateway-url URL [--admin-token T]   NA: the Community CA signs the meter's CSR
 *                                                     (POST /v1/meter-enrolments); the certificate replaces the self-signed one, the key stays
 *   register --meter ID --dir DIR --participant P --gateway-url URL [--admin-token T]   NA: POST /v1/meters
 *   sign     --meter ID --dir DIR --interval-start T --import-wh N --export-wh N --seq N [--interval-minutes 60]
 *                                                     print {reading, signature}
 *   submit   --gateway-url URL (--file FILE | the sign options)   POST /v1/readings, no token
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { ApiError } from '../gateway/http';
import { GatewayApi } from '../gateway/api';
import { createMeter, meterCsr, signReading } from '../meter/meter';
import { readingProblem, type Reading, type SignedReading } from '../meter/reading';
import { hasMeter, loadMeter, saveMeter, saveMeterCertificate } from '../meter/store';

const nonNegative = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`${name} must be an integer ≥ 0, got "${v}"`);
  return Number(v);
};

interface SignOpts {
  meter: string;
  dir: string;
  intervalStart: string;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  seq: number;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function signFromOptions(o: Partial<SignOpts>): SignedReading {
  const missing = (['meter', 'dir', 'intervalStart', 'importWh', 'exportWh', 'seq'] as const).filter((k) => o[k] === undefined);
  if (missing.length) {
    const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new Error(`missing ${missing.map(flag).join(', ')}`);
  }
  const reading: Reading = {
    meterId: o.meter!,
    intervalStart: o.intervalStart!,
    intervalMinutes: o.intervalMinutes ?? 60,
    importWh: o.importWh!,
    exportWh: o.exportWh!,
    seq: o.seq!,
  };
  const problem = readingProblem(reading);
  if (problem) throw new Error(`bad reading: ${problem}`);
  return signReading(loadMeter(o.dir!, o.meter!), reading);
}

/** A batch file: `{items: [...]}`, a bare array of `{reading, signature}`, or one of them. */
function readBatch(file: string): SignedReading[] {
  if (!existsSync(file)) throw new Error(`${file} not found`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { items?: unknown }).items) ? (value as { items: unknown[] }).items : [value];
  if (list.length === 0) throw new Error(`${file} holds no readings`);
  list.forEach((item, i) => {
    const it = item as Partial<SignedReading> | null;
    if (!it || typeof it !== 'object' || typeof it.signature !== 'string' || !it.reading || typeof it.reading !== 'object') {
      throw new Error(`${file}: item ${i} is not {reading, signature}`);
    }
    const problem = readingProblem(it.reading);
    if (problem) throw new Error(`${file}: item ${i}: bad reading: ${problem}`);
  });
  return list as SignedReading[];
}

const program = new Command('meter').description('A smart meter that signs its readings (mechanisms.md §7), and a head-end that submits them');

const withMeter = (c: Command) => c.requiredOption('--meter <id>', 'meter id, e.g. m-h001').requiredOption('--dir <dir>', 'keys directory (the key file is 0600)');
const withReading = (c: Command) =>
  c
    .option('--meter <id>', 'meter id')
    .option('--dir <dir>', 'keys directory')
    .option('--interval-start <instant>', 'UTC interval start, YYYY-MM-DDTHH:MM:SSZ')
    .option('--interval-minutes <n>', 'interval length', nonNegative('--interval-minutes'), 60)
    .option('--import-wh <n>', 'energy imported over the interval (Wh)', nonNegative('--import-wh'))
    .option('--export-wh <n>', 'energy exported over the interval (Wh)', nonNegative('--export-wh'))
    .option('--seq <n>', "the meter's own reading counter", nonNegative('--seq'));

withMeter(program.command('init').description("make the meter's P-256 key and self-signed certificate (CN = meter id)"))
  .option('--force', 'replace an existing key (the registered certificate no longer matches)')
  .action(async (o: { meter: string; dir: string; force?: boolean }) => {
    if (hasMeter(o.dir, o.meter) && !o.force) throw new Error(`meter ${o.meter} already exists in ${o.dir} (its key persists; --force makes a new one)`);
    const paths = saveMeter(o.dir, await createMeter(o.meter));
    process.stdout.write(`${paths.certificate}\n`);
  });

withMeter(program.command('enrol').description("NA: have the Community CA sign the meter's CSR (POST /v1/meter-enrolments) and keep its certificate beside the key"))
  .requiredOption('--gateway-url <url>', 'gateway base URL')
  .option('--admin-token <token>', 'NA token (default: env GATEWAY_ADMIN_TOKEN)')
  .action(async (o: { meter: string; dir: string; gatewayUrl: string; adminToken?: string }) => {
    const token = o.adminToken ?? process.env.GATEWAY_ADMIN_TOKEN;
    if (!token) throw new Error('--admin-token (or GATEWAY_ADMIN_TOKEN) is required');
    const csr = await meterCsr(loadMeter(o.dir, o.meter));
    const { certificate } = await new GatewayApi(o.gatewayUrl).enrolMeter(token, { meterId: o.meter, csr });
    const paths = saveMeterCertificate(o.dir, o.meter, certificate);
    process.stdout.write(`${paths.certificate}\n`);
  });

withMeter(program.command('register').description("NA: register the meter's certificate for a participant (POST /v1/meters)"))
  .requiredOption('--participant <id>', 'the participant the meter measures')
  .requiredOption('--gateway-url <url>', 'gateway base URL')
  .option('--admin-token <token>', 'NA token (default: env GATEWAY_ADMIN_TOKEN)')
  .action(async (o: { meter: string; dir: string; participant: string; gatewayUrl: string; adminToken?: string }) => {
    const token = o.adminToken ?? process.env.GATEWAY_ADMIN_TOKEN;
    if (!token) throw new Error('--admin-token (or GATEWAY_ADMIN_TOKEN) is required');
    const certificate = loadMeter(o.dir, o.meter).certificatePem;
    print(await new GatewayApi(o.gatewayUrl).registerMeter(token, { meterId: o.meter, participantId: o.participant, certificate }));
  });

withReading(program.command('sign').description('sign one reading; prints {reading, signature}')).action((o: Partial<SignOpts>) => {
  print(signFromOptions(o));
});

withReading(program.command('submit').description('POST /v1/readings (no token: the signature authenticates the reading)'))
  .requiredOption('--gateway-url <url>', 'gateway base URL')
  .option('--file <file>', 'readings to submit: {items: [{reading, signature}]}, an array of them, or one')
  .action(async (o: Partial<SignOpts> & { gatewayUrl: string; file?: string }) => {
    const api = new GatewayApi(o.gatewayUrl);
    if (o.file) {
      const items = readBatch(o.file);
      const results = await api.submitReadings(items);
      print({ results });
      if (results.some((r) => r.status >= 400)) process.exitCode = 2;
      return;
    }
    const r = await api.submitReading(signFromOptions(o));
    print({ status: r.status, ...(r.body as object) });
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ApiError) {
    process.stderr.write(`meter: ${err.message}${err.problem?.code ? ` (${err.problem.code})` : ''}\n`);
    process.exit(2);
  }
  process.stderr.write(`meter: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
