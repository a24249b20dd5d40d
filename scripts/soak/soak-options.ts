import { parseArgs } from 'node:util';
import { z } from 'zod';

const HELP = `usage: npm run soak -- [--instances 3] [--calls 10000] [--minutes 5] [--redis single|sentinel|cluster]
                        [--kill-instance-at 120] [--failover-at 180] [--turn-seconds 3] [--agent-share 0.2] [--agents N]
  --instances         hotline processes behind the round-robin balancer (default 3)
  --calls             simulated calls in progress at once; each call that ends is followed by a new one (default 10000)
  --minutes           how long new calls are started; the calls in progress then finish (default 5)
  --redis             the Redis deployment: a private redis-server, a Sentinel deployment or a 6-node Cluster (default single)
  --kill-instance-at  SIGKILL the last instance this many seconds into the run
  --failover-at       SIGKILL the Redis master (of the queue's slot on a cluster) this many seconds into the run
  --turn-seconds      a caller's mean time between webhooks (default 3; each wait is 0.5–1.5 times it)
  --agent-share       the share of calls that ask for an agent (default 0.2)
  --agents            simulated agents (default: one per 6 calls, at least 2)
  --from-source       run src/main.ts through tsx instead of dist/src/main.js (no build; for the tests)`;

const optionsSchema = z
  .object({
    instances: z.coerce.number().int().min(1).max(16).default(3),
    calls: z.coerce.number().int().min(1).max(100_000).default(10_000),
    minutes: z.coerce.number().positive().max(24 * 60).default(5),
    redis: z.enum(['single', 'sentinel', 'cluster']).default('single'),
    killInstanceAt: z.coerce.number().nonnegative().optional(),
    failoverAt: z.coerce.number().nonnegative().optional(),
    turnSeconds: z.coerce.number().min(0.05).max(60).default(3),
    agentShare: z.coerce.number().min(0).max(1).default(0.2),
    agents: z.coerce.number().int().min(1).max(20_000).optional(),
    fromSource: z.boolean().default(false),
  })
  .refine((options) => options.killInstanceAt === undefined || options.instances > 1, '--kill-instance-at needs at least 2 instances: one must survive')
  .refine(
    (options) => [options.killInstanceAt, options.failoverAt].every((at) => at === undefined || at < options.minutes * 60),
    '--kill-instance-at and --failover-at must fall within --minutes',
  );

export type SoakOptions = Omit<z.infer<typeof optionsSchema>, 'agents'> & { agents: number };

/** The options of `npm run soak`; undefined when --help was asked for or an option is wrong (reported, exitCode set). */
export function readSoakOptions(argv: string[] = process.argv.slice(2)): SoakOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        instances: { type: 'string' },
        calls: { type: 'string' },
        minutes: { type: 'string' },
        redis: { type: 'string' },
        'kill-instance-at': { type: 'string' },
        'failover-at': { type: 'string' },
        'turn-seconds': { type: 'string' },
        'agent-share': { type: 'string' },
        agents: { type: 'string' },
        'from-source': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${HELP}`);
    process.exitCode = 2;
    return undefined;
  }
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const parsed = optionsSchema.safeParse({
    instances: values.instances,
    calls: values.calls,
    minutes: values.minutes,
    redis: values.redis,
    killInstanceAt: values['kill-instance-at'],
    failoverAt: values['failover-at'],
    turnSeconds: values['turn-seconds'],
    agentShare: values['agent-share'],
    agents: values.agents,
    fromSource: values['from-source'],
  });
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('\n')}\n${HELP}`);
    process.exitCode = 2;
    return undefined;
  }
  const options = parsed.data;
  return { ...options, agents: options.agents ?? Math.max(2, Math.ceil(options.calls / 6)) };
}
