// Runs @modelcontextprotocol/server-everything over stdio in this very process, appending its pid
// and every JSON-RPC line it receives to $MCP_TEE_LOG: tests read there what Sluice sent (a
// notifications/cancelled, say) and which process to kill. Exits when stdin ends, as a
// well-behaved stdio server does.
import { appendFileSync } from 'node:fs';

const log = process.env.MCP_TEE_LOG;
if (log) {
  appendFileSync(log, `${JSON.stringify({ pid: process.pid })}\n`);
  // Listening to 'data' starts the flow, so the tee joins only when the server's transport does:
  // earlier, the first lines would reach the tee alone.
  const hook = (event) => {
    if (event !== 'data') return;
    process.stdin.off('newListener', hook);
    process.stdin.on('data', (chunk) => appendFileSync(log, chunk));
  };
  process.stdin.on('newListener', hook);
}
process.stdin.on('end', () => process.exit(0));
await import('@modelcontextprotocol/server-everything/dist/transports/stdio.js');
