/** Meters that sign their readings (mechanisms.md §7): keys, certificates, canonical bytes. */
export { canonicalReadingJson, readingProblem, READING_FIELDS, type Reading, type SignedReading } from './reading';
export { createMeter, meterCsr, meterEnrollmentId, meterFromPem, signReading, verifyReading, type Meter } from './meter';
export { hasMeter, loadMeter, meterPaths, saveMeter, saveMeterCertificate, type MeterPaths } from './store';
