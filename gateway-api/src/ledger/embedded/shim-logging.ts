/**
 * fabric-shim and fabric-contract-api log every decorator (info) and every refusal
 * (error) through winston. In-process, refusals reach the caller as typed errors,
 * so unless the operator sets CORE_CHAINCODE_LOGGING_LEVEL (the variable a peer
 * sets for chaincode too) the shim is kept to warnings and the dispatcher's
 * per-refusal error line is muted. Imported before anything that loads the shim.
 */
import { dirname } from 'node:path';

const operatorChoice = process.env.CORE_CHAINCODE_LOGGING_LEVEL !== undefined;
if (!operatorChoice) process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'WARNING';

/**
 * winston formats every message (timestamp, metadata, colours, padding) before its
 * transport drops one below the level, and the shim logs several debug lines per
 * transaction: profiled at ~3 % of the gateway's CPU. The shim's loggers (made through
 * the winston the shim itself resolves, here before the shim loads) return at once
 * for a level that is off; an enabled level logs exactly as before.
 */
function skipDisabledLevels(): void {
  const shimDir = dirname(require.resolve('fabric-shim/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const winston = require(require.resolve('winston', { paths: [shimDir] })) as { createLogger: (...a: unknown[]) => WinstonLogger; __ecchSkips?: true };
  if (winston.__ecchSkips) return;
  winston.__ecchSkips = true;
  const create = winston.createLogger;
  winston.createLogger = function (this: unknown, ...args: unknown[]) {
    const logger = create.apply(this, args);
    for (const level of Object.keys(logger.levels)) {
      const log = logger[level] as (...a: unknown[]) => unknown;
      logger[level] = function (this: WinstonLogger, ...a: unknown[]) {
        return this.isLevelEnabled(level) ? log.apply(this, a) : this;
      };
    }
    return logger;
  };
}

interface WinstonLogger {
  levels: Record<string, number>;
  isLevelEnabled(level: string): boolean;
  [method: string]: unknown;
}

skipDisabledLevels();

export function muteRefusalLog(): void {
  if (operatorChoice) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shimLogger = require('fabric-shim/lib/logger') as { getLogger(name: string): { silent: boolean } };
  shimLogger.getLogger('contracts-spi/chaincodefromcontract.js').silent = true;
}
