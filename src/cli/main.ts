import { Command, InvalidArgumentError } from 'commander';
import { chatCommand } from './chat.ts';
import { checkCommand } from './check.ts';
import { migrateCommand } from './migrate.ts';
import { startCommand } from './start.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number 0-65535');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

const program = new Command()
  .name('sluice')
  .description('Streams LLM agents to people and programs over Server-Sent Events.')
  .showHelpAfterError();

program
  .command('start')
  .description('serve the API and the web console')
  .option('--mode <mode>', 'dev or prod', 'dev')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (default 8081)', port)
  .option('--workers <n>', 'processes to run', positive)
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .option('--config <file>', 'JSON or YAML config file (default: env SLUICE_CONFIG)')
  .option('--insecure-no-auth', 'allow prod mode without API keys')
  .option('--log-file <path>', 'also append JSON log lines to this file')
  .option('--watch', 'restart when a source file changes (default in dev mode at a terminal)')
  .option('--no-watch', 'never restart on source changes')
  .action(startCommand);

program
  .command('check')
  .description("ask a running server's /health; exit 0 when healthy, 1 otherwise")
  .option('--host <host>', 'server host (default 127.0.0.1)')
  .option('--port <port>', 'server port (default 8081)', port)
  .option('--timeout <ms>', 'give up after this many milliseconds', positive, 5000)
  .action(checkCommand);

program
  .command('chat')
  .description('send one message and stream the run to the terminal')
  .argument('<message>', 'what to say')
  .option('--url <url>', 'server base URL', 'http://127.0.0.1:8081')
  .option('--agent <id>', 'agent id', 'assistant')
  .option('--session <id>', 'continue this session instead of starting one')
  .option('--language <lang>', 'zh, en, ja, es or fr')
  .option('--api-key <key>', 'API key (default: env SLUICE_API_KEY)')
  .option('--events', 'print every event as JSON instead of the text')
  .action(chatCommand);

program
  .command('migrate')
  .description('apply database migrations and exit')
  .option('--config <file>', 'JSON or YAML config file')
  .action(migrateCommand);

await program.parseAsync(process.argv);
