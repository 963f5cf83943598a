/**
 * fabric-shim and fabric-contract-api log every decorator (info) and every refusal
 * (error) through winston. In-process, refusals reach the caller as typed errors,
 * so unless the operator sets CORE_CHAINCODE_LOGGING_LEVEL (the variable a peer
 * sets for chaincode too) the shim is kept to warnings and the dispatcher's
 * per-refusal error line is muted. Imported before anything that loads the shim.
 */
const operatorChoice = process.env.CORE_CHAINCODE_LOGGING_LEVEL !== undefined;
if (!operatorChoice) process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'WARNING';

export function muteRefusalLog(): void {
  if (operatorChoice) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shimLogger = require('fabric-shim/lib/logger') as { getLogger(name: string): { silent: boolean } };
  shimLogger.getLogger('contracts-spi/chaincodefromcontract.js').silent = true;
}
