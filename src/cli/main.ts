#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../platform/config/load-config.js';
import { createLogger } from '../platform/logger.js';
import { registerScheduleCommands } from './schedule-commands.js';
import { registerUserCommands } from './user-commands.js';
import { registerCallCommands } from './call-commands.js';
import { startService } from '../app/service.js';

const program = new Command()
  .name('duty-hotline')
  .description('Duty-phone integration beside an Asterisk PBX (值班电话集成服务)')
  .option('-c, --config <file>', 'JSON config file (environment variables override it; see README)', process.env.DUTY_CONFIG)
  .exitOverride();

program
  .command('serve')
  .description('listen to the PBX over AMI, log every call, record absences, serve the HTTP API')
  .action(async () => {
    const config = loadConfig({ file: program.opts<{ config?: string }>().config, env: process.env });
    const logger = createLogger(config.log.level);
    const service = await startService(config, { logger });
    const stop = async (signal: string) => {
      logger.info({ signal }, 'shutting down');
      await service.stop();
      process.exit(0);
    };
    process.once('SIGINT', (s) => void stop(s));
    process.once('SIGTERM', (s) => void stop(s));
    // A broken migration: retrying cannot help. Stopping still keeps the queued writes (spill file).
    void service.failed.then(async (err) => {
      logger.fatal({ err: err.message }, 'the database cannot be used; stopping');
      await service.stop();
      console.error(`duty-hotline: ${err.message}`);
      process.exit(1);
    });
  });

const config = () => loadConfig({ file: program.opts<{ config?: string }>().config, env: process.env });
registerScheduleCommands(program, { config });
registerUserCommands(program, { config });
registerCallCommands(program, { config });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = err instanceof ConfigError ? err.message : `error: ${(err as Error).message}`;
  console.error(`duty-hotline: ${message}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
