#!/usr/bin/env node
/**
 * npm run agent -- --url ws://backend:3000/routers/ws --token <router token> [--dry-run]
 * The token may also come from ROUTER_TOKEN, which keeps it out of `ps` output.
 */
import { RouterAgent } from './router-agent';

function parseArgs(argv: string[]): { url?: string; token?: string; dryRun: boolean } {
  const out: { url?: string; token?: string; dryRun: boolean } = { dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') out.dryRun = true;
    else if (a === '--url') out.url = argv[++i];
    else if (a === '--token') out.token = argv[++i];
    else if (a.startsWith('--url=')) out.url = a.slice(6);
    else if (a.startsWith('--token=')) out.token = a.slice(8);
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const token = args.token ?? process.env.ROUTER_TOKEN;
  if (!args.url || !token) {
    console.error('usage: agent --url ws://host:3000/routers/ws --token <router token> [--dry-run]');
    process.exit(2);
  }
  const agent = new RouterAgent({ url: args.url, token, dryRun: args.dryRun });
  agent.start();
  const stop = () => void agent.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
