import { spawn, type ChildProcess } from 'node:child_process';

/** A busy child process that takes one core for as long as it runs: the run's "machine under load" fault. */
export interface CpuHog {
  stop(): Promise<void>;
}

export function startCpuHog(): CpuHog {
  const child: ChildProcess = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
