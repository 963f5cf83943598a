/** Meters, signed readings, their conflicts and reconciliations (mechanisms.md §7; api.md). */
import { Type } from '@sinclair/typebox';
import { Id, Instant, ListOf, Money, PageQuery, Price } from './common';
import { Market } from './markets';

/** The most readings one POST /v1/readings carries (the chaincode's MAX_BATCH_READINGS). */
export const MAX_READINGS_PER_REQUEST = 1000;
/** A signed reading is ≈ 260 bytes of JSON: a full batch with room to spare. */
export const READINGS_BODY_LIMIT = 512 * 1024;

export const MeterBody = Type.Object(
  {
    meterId: Id,
    participantId: Id,
    certificate: Type.String({ minLength: 1, maxLength: 8192, description: "the meter's own X.509 certificate (PEM), an ECDSA P-256 key; self-signed or CA-issued" }),
  },
  { additionalProperties: false },
);

export const MeterEnrolmentBody = Type.Object(
  {
    meterId: Id,
    csr: Type.String({ minLength: 1, maxLength: 8192, description: "the meter's PEM PKCS#10 request, ECDSA P-256, subject CN = `<meterId>@meter` (its enrolment id at the CA)" }),
  },
  { additionalProperties: false },
);

export const MeterEnrolment = Type.Object({
  meterId: Type.String(),
  certificate: Type.String({ description: "the meter's certificate (PEM), issued by the Community CA, with ecch.meter=<meterId> in Fabric CA's attribute extension" }),
  caCertificate: Type.String({ description: 'PEM of the CA certificate that issued it' }),
});

export const Meter = Type.Object({
  meterId: Type.String(),
  participantId: Type.String(),
  certificate: Type.String(),
  publicKey: Type.String({ description: "hex SHA-256 of the certificate's SubjectPublicKeyInfo" }),
  status: Type.Union([Type.Literal('active'), Type.Literal('replaced')]),
  registeredAt: Instant,
  notBefore: Instant,
  notAfter: Instant,
  replaces: Type.Optional(Type.String({ description: 'the meter this one replaced' })),
  replacedAt: Type.Optional(Instant),
  replacedBy: Type.Optional(Type.String()),
});
export const MeterList = ListOf(Meter);
export const MeterListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const MeterParams = Type.Object({ meterId: Id });

const count = (description: string) => Type.Integer({ minimum: 0, description });

export const Reading = Type.Object(
  {
    meterId: Type.String({ maxLength: 64 }),
    intervalStart: Type.String({ maxLength: 32, description: 'YYYY-MM-DDTHH:MM:SSZ (UTC, no fractional seconds): the deliveryStart of its market' }),
    intervalMinutes: count("the interval's length: its market's durationMinutes"),
    importWh: count('energy imported over the interval (Wh)'),
    exportWh: count('energy exported over the interval (Wh)'),
    seq: count("the meter's own counter (informational)"),
  },
  { additionalProperties: false },
);

export const SignedReading = Type.Object(
  {
    reading: Reading,
    signature: Type.String({ maxLength: 200, description: 'base64 of the DER ECDSA P-256/SHA-256 signature over the UTF-8 canonical JSON of `reading`' }),
  },
  { additionalProperties: false },
);

/** Items are checked by the ledger one by one (each gets its own result), so only their envelope is checked here. */
export const ReadingBatch = Type.Object(
  { items: Type.Array(Type.Unknown(), { minItems: 1, description: `at most ${MAX_READINGS_PER_REQUEST} signed readings {reading, signature}; more is 413` }) },
  { additionalProperties: false },
);

export const ReadingsBody = Type.Union([SignedReading, ReadingBatch]);

export const ReadingAccepted = Type.Object({
  status: Type.Integer({ description: '201 recorded, 200 a repeat of the recorded reading' }),
  meterId: Type.String(),
  intervalStart: Type.String(),
  marketId: Type.String(),
});

export const ReadingItemResult = Type.Object({
  status: Type.Integer({ description: 'the status a single reading would get: 201, 200, 404, 409, 422, ...' }),
  code: Type.Optional(Type.String({ description: 'the refusal code, e.g. BAD_SIGNATURE, READING_CONFLICT, READING_LATE' })),
  detail: Type.Optional(Type.String()),
  meterId: Type.Optional(Type.String()),
  intervalStart: Type.Optional(Type.String()),
  marketId: Type.Optional(Type.String()),
});
export const ReadingBatchResult = Type.Object({ results: Type.Array(ReadingItemResult, { description: 'one per item, in order' }) });

export const ReadingConflict = Type.Object({
  reading: Reading,
  signature: Type.String(),
  digest: Type.String({ description: 'hex SHA-256 of the canonical bytes' }),
  recordedDigest: Type.String({ description: 'the digest of the reading recorded first, the one that counts' }),
  participantId: Type.String(),
  marketId: Type.String(),
  at: Instant,
  txId: Type.String(),
});
export const ReadingConflictList = ListOf(ReadingConflict);
export const ReadingConflictQuery = Type.Object({ meterId: Type.Optional(Id), ...PageQuery }, { additionalProperties: false });

export const ReconciliationEntry = Type.Object({
  participantId: Type.String(),
  meterId: Type.String(),
  scheduledWh: Type.Integer({ description: 'X_s: the energy its order settled (+ sell, − buy), 0 with no order' }),
  meteredWh: Type.Union([Type.Integer(), Type.Null()], { description: 'X_m = exportWh − importWh; null when no reading arrived (estimated)' }),
  imbalanceWh: Type.Integer({ description: 'Δ = X_m − X_s (0 when estimated)' }),
  amount: Money,
  price: Type.Optional(Type.Union([Price, Type.Null()], { description: 'S for Δ > 0, B for Δ < 0, null for Δ = 0' })),
  estimated: Type.Boolean(),
});

export const Reconciliation = Type.Object({
  marketId: Type.String(),
  entries: Type.Array(ReconciliationEntry),
  gridAmount: Money,
  gridWh: Type.Optional(Type.Integer({ description: 'the grid side of the imbalances: −Σ Δ' })),
  reconciledAt: Type.Optional(Instant),
});

export const Reconciled = Type.Object({ market: Market, reconciliation: Reconciliation });
