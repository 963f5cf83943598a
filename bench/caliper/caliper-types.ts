/**
 * The few parts of @hyperledger/caliper-core 0.6.0 the launcher and the workload
 * modules use (the package ships no type declarations).
 */
export interface TxStatus {
  /** 'success' or 'failed' (the connector logs the failure's message). */
  GetStatus(): string;
  /** The transaction's result bytes (submit: the chaincode's return value). */
  GetResult(): Uint8Array | string;
}

export interface CaliperRequest {
  contractId: string;
  contractFunction: string;
  contractArguments: string[];
  invokerIdentity: string;
  invokerMspId?: string;
  readOnly?: boolean;
}

export interface SutAdapter {
  sendRequests(request: CaliperRequest): Promise<TxStatus>;
}

/** caliper-core's WorkloadModuleBase: initializeWorkloadModule stores these fields. */
export interface WorkloadModuleBase {
  workerIndex: number;
  totalWorkers: number;
  roundIndex: number;
  roundArguments: unknown;
  sutAdapter: SutAdapter;
  initializeWorkloadModule(workerIndex: number, totalWorkers: number, roundIndex: number, roundArguments: unknown, sutAdapter: SutAdapter, sutContext: unknown): Promise<void>;
  submitTransaction(): Promise<void>;
  cleanupWorkloadModule(): Promise<void>;
}

export interface CaliperCore {
  WorkloadModuleBase: new () => WorkloadModuleBase;
  CaliperEngine: new (benchmarkConfig: unknown, networkConfig: unknown, connectorFactory: unknown) => { run(): Promise<number> };
  WorkerMessageHandler: new (messenger: unknown, connectorFactory: unknown) => { waitForExit(): Promise<void> };
  CaliperUtils: {
    parseYaml(file: string): unknown;
    loadModuleFunction(builtIn: Map<string, string>, name: string, fn: string, req?: NodeJS.Require): (...args: unknown[]) => unknown;
    getBuiltinMessengers(): Map<string, string>;
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const caliperCore = (): CaliperCore => require('@hyperledger/caliper-core') as CaliperCore;
