import { createHttpPoster, type HttpPoster } from './http-poster';
import { startHotlineProcess, type HotlineCode, type HotlineProcess } from './hotline-process';
import { RoundRobinBalancer } from './round-robin-balancer';

/** The URL Twilio is given: the load balancer's. Every instance signs and writes URLs with it. */
export const FLEET_PUBLIC_URL = 'http://hotline.balancer.test';

export interface FleetOptions {
  instances: number;
  code: HotlineCode;
  /** The environment every instance shares: the Redis deployment and prefix, the database, the token… */
  env: Record<string, string>;
  /** Sockets kept open per instance by the balancer (the load generator's concurrency). */
  maxSockets?: number;
  /** Give up on one request after this long (Twilio: 15 s). */
  timeoutMs?: number;
}

/** Several hotline processes sharing one Redis deployment, behind a round-robin balancer. */
export interface HotlineFleet {
  processes: HotlineProcess[];
  balancer: RoundRobinBalancer;
  poster: HttpPoster;
  /** SIGKILL instance `i`; the balancer finds out as a load balancer would, by its connections failing. */
  kill(i: number): Promise<void>;
  /** Stops every instance still running (SIGTERM) and closes the connections. */
  stop(): Promise<void>;
}

export async function startFleet(options: FleetOptions): Promise<HotlineFleet> {
  const started = await Promise.allSettled(
    Array.from({ length: options.instances }, () => startHotlineProcess({ code: options.code, env: options.env, publicBaseUrl: FLEET_PUBLIC_URL })),
  );
  const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((process) => process.stop()));
    throw failed.reason;
  }
  const poster = createHttpPoster({ maxSockets: options.maxSockets ?? 64, timeoutMs: options.timeoutMs ?? 15_000 });
  const balancer = new RoundRobinBalancer(
    FLEET_PUBLIC_URL,
    processes.map((process) => process.baseUrl),
    poster,
  );
  return {
    processes,
    balancer,
    poster,
    kill: (i) => processes[i]!.kill(),
    stop: async () => {
      balancer.close();
      await Promise.all(processes.map((process) => process.stop()));
      poster.close();
    },
  };
}
