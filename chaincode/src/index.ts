export * from './domain/errors';
export * from './domain/model';
export * from './domain/rational';
export * from './domain/sdr';
export * from './domain/allocation';
export * from './domain/clearing';
