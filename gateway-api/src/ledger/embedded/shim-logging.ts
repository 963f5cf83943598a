/**
 * fabric-shim and fabric-contract-api log every decorator and refusal at info/error
 * level through winston. In-process, refusals are returned to the caller as typed
 * errors, so the shim's own log is kept quiet unless the operator asks for it
 * (CORE_CHAINCODE_LOGGING_LEVEL, the variable a peer sets for chaincode too).
 * Imported before anything that loads the shim.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
