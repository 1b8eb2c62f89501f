import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { ROOT, stopProcess } from './server.ts';

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM: the worker finishes and reports what it holds, then exits. */
  stop(): Promise<void>;
  /** SIGKILL, resolving once the process is gone. */
  kill(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** The server's base URL, e.g. http://localhost:41234 */
  readonly url: string;
  readonly taskDefNames: readonly string[];
  readonly workerId?: string;
  readonly leaseMs?: number;
  readonly concurrency?: number;
  /** Claim attempts and never finish them. */
  readonly hold?: boolean;
  /** How long each attempt takes. */
  readonly taskMs?: number;
}

/** Starts test/support/worker-process.ts as its own process and resolves once its TaskWorkers have started. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GALLOP_URL: options.url,
    TASKS: options.taskDefNames.join(','),
    WORKER_ID: options.workerId ?? '',
    HOLD: options.hold ? '1' : '',
    ...(options.leaseMs === undefined ? {} : { LEASE_MS: String(options.leaseMs) }),
    ...(options.concurrency === undefined ? {} : { CONCURRENCY: String(options.concurrency) }),
    ...(options.taskMs === undefined ? {} : { TASK_MS: String(options.taskMs) }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The worker did not start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      if (!output.includes('worker ready')) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve();
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The worker exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    stop: () => stopProcess(child),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
