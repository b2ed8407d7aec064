#!/usr/bin/env node
'use strict';
// Waits until a Kafka broker answers a kafkajs admin client (connect + describeCluster).
//
//   node tools/kafka/wait-ready.js [--timeout <seconds>] [--pid <pid>] [--quiet]
//
// Brokers: env KAFKA_BROKERS (comma-separated), default 127.0.0.1:9092.
// Timeout: --timeout or env KAFKA_READY_TIMEOUT (seconds), default 90.
// --pid: give up early (exit 2) when that process has exited (e.g. the broker crashed on start).
// Exit codes: 0 ready, 1 deadline reached, 2 watched process gone.

const { Kafka, logLevel } = require('kafkajs');

function parseArgs(argv) {
  const args = { timeout: Number(process.env.KAFKA_READY_TIMEOUT || 90), pid: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--timeout') args.timeout = Number(argv[++i]);
    else if (a === '--pid') args.pid = Number(argv[++i]);
    else if (a === '--quiet') args.quiet = true;
    else {
      console.error(`wait-ready: unknown argument ${a}`);
      process.exit(64);
    }
  }
  if (!Number.isFinite(args.timeout) || args.timeout <= 0) {
    console.error('wait-ready: --timeout must be a positive number of seconds');
    process.exit(64);
  }
  return args;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function probe(brokers) {
  const kafka = new Kafka({
    clientId: 'admit-kafka-wait-ready',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const started = Date.now();
  const deadline = started + args.timeout * 1000;
  let lastError = null;

  for (;;) {
    try {
      const cluster = await probe(brokers);
      if (!args.quiet) {
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `wait-ready: broker(s) ${brokers.join(',')} ready after ${secs}s ` +
            `(clusterId ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller})`,
        );
      }
      return 0;
    } catch (err) {
      lastError = err;
    }
    if (args.pid && !processAlive(args.pid)) {
      if (!args.quiet) console.error(`wait-ready: process ${args.pid} exited before the broker became ready`);
      return 2;
    }
    if (Date.now() + 500 >= deadline) break;
    await sleep(500);
  }
  if (!args.quiet) {
    const reason = lastError ? `${lastError.name}: ${lastError.message}` : 'unknown';
    console.error(`wait-ready: no answer from ${brokers.join(',')} within ${args.timeout}s (last error: ${reason})`);
  }
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('wait-ready: unexpected error', err);
    process.exit(1);
  },
);
