import { describe, expect, it } from 'vitest';
import { portsOfWorker, workersProblem } from '../../../src/server/ports/workers.js';

describe('portsOfWorker', () => {
  it('deals the node ports out so every worker has its own and none is left over', () => {
    const ports = [8001, 8002, 8003, 8004, 8005];
    const dealt = [0, 1].map((index) => portsOfWorker(ports, 2, index));
    expect(dealt).toEqual([
      [8001, 8003, 8005],
      [8002, 8004],
    ]);
    expect(dealt.flat().sort()).toEqual(ports);
  });

  it('gives a single worker every port', () => {
    expect(portsOfWorker([8001, 8002], 1, 0)).toEqual([8001, 8002]);
  });
});

describe('workersProblem', () => {
  const url = 'postgres://u@h:5432/db';

  it('accepts one worker whatever the database', () => {
    expect(workersProblem(1, [8001], undefined)).toBeUndefined();
  });

  it('refuses several workers on the embedded database, saying why', () => {
    expect(workersProblem(2, [8001, 8002], undefined)).toMatch(/needs --db: the embedded database lives inside one process/);
  });

  it('refuses more workers than node ports', () => {
    expect(workersProblem(3, [8001, 8002], url)).toMatch(/needs at least 3 node ports .* --ports has 2/);
  });

  it('refuses port 0, which each worker would resolve differently', () => {
    expect(workersProblem(2, [0, 0], url)).toMatch(/fixed --ports/);
  });

  it('accepts several workers on PostgreSQL with a port each', () => {
    expect(workersProblem(2, [8001, 8002], url)).toBeUndefined();
  });
});
