/**
 * `npm start`: configuration from the environment, listen, and shut down
 * gracefully on SIGINT/SIGTERM (in-flight requests finish, event streams end, the
 * ledger is closed).
 */
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { IdentityMismatch } from './identity/identities';
import { WalletKeyError } from './identity/wallet-key';
import { LISTEN_BACKLOG } from './listen-backlog';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  // npm sets INIT_CWD to where `npm start` was typed, so ./data means what the operator sees.
  const config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  app.log.info({ ledger: config.ledger, dataDir: config.dataDir }, 'ECCH gateway ready');
  // The console's address for people (a wildcard host is reached as localhost).
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  process.stderr.write(`\nThe console: http://${shown}:${port}/console/ (NA, households, and the public community view)\n`);
  if (app.gateway.admin.generated) {
    // Printed once, to the terminal, not into the structured log stream.
    process.stderr.write(
      `\nGATEWAY_ADMIN_TOKEN was not set; the NA token for this run is:\n\n  ${app.gateway.adminToken}\n\n` +
        'It changes at every start. Set GATEWAY_ADMIN_TOKEN for a stable one.\n\n',
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof IdentityMismatch || err instanceof WalletKeyError) {
    process.stderr.write(`ecch-gateway: ${err.message}\n`);
  } else {
    process.stderr.write(`ecch-gateway: start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
