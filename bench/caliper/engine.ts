/**
 * The Caliper process, started by bench/caliper/cli.ts (not by hand):
 * `tsx bench/caliper/engine.ts launch manager` runs caliper-core's engine with the
 * Fabric connector (peer-gateway binding: @hyperledger/fabric-gateway is
 * installed); the engine forks this same file as `launch worker` for each local
 * worker, which is what caliper-cli's `launch manager/worker` commands do. The
 * configuration comes from CALIPER_* environment variables set by the launcher
 * (workspace, benchconfig, networkconfig, report path, flow-only-test).
 */
import { caliperCore } from './caliper-types';

type ConnectorFactory = (workerIndex: number) => Promise<unknown>;

async function manager(): Promise<number> {
  const core = caliperCore();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConnectorFactory } = require('@hyperledger/caliper-fabric') as { ConnectorFactory: ConnectorFactory };
  const bench = core.CaliperUtils.parseYaml(process.env.CALIPER_BENCHCONFIG as string);
  const network = core.CaliperUtils.parseYaml(process.env.CALIPER_NETWORKCONFIG as string);
  return new core.CaliperEngine(bench, network, ConnectorFactory).run();
}

async function worker(): Promise<number> {
  const core = caliperCore();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConnectorFactory } = require('@hyperledger/caliper-fabric') as { ConnectorFactory: ConnectorFactory };
  const createMessenger = core.CaliperUtils.loadModuleFunction(core.CaliperUtils.getBuiltinMessengers(), 'process', 'createWorkerMessenger');
  const messenger = createMessenger({}) as { initialize(): Promise<void>; configureProcessInstances(p: NodeJS.Process[]): Promise<void>; dispose(): Promise<void> };
  await messenger.initialize();
  await messenger.configureProcessInstances([process]);
  const handler = new core.WorkerMessageHandler(messenger, ConnectorFactory);
  await handler.waitForExit();
  await messenger.dispose();
  return 0;
}

const [launch, role] = process.argv.slice(2);
const main = launch === 'launch' && role === 'manager' ? manager : launch === 'launch' && role === 'worker' ? worker : undefined;
if (!main) {
  process.stderr.write('usage: started by npm run bench:caliper (engine.ts launch manager|worker)\n');
  process.exit(2);
}
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[caliper] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
