import { parseArgs } from 'node:util';
import { SIMULATE_DEV_AUTH_TOKEN } from '../../src/config';

/** Who calls which hotline, and how the webhooks are signed. */
export interface SimulatorOptions {
  baseUrl: string;
  token: string;
  from: string;
  to: string;
  lang?: string;
  stir?: string;
}

const HELP = `usage: npm run call -- [--from +8613800000001] [--to +8640000000000] [--lang en] [--url http://localhost:3000] [--token …]
  --from   caller ID (default +8613800000001, a demo wallet)
  --to     the hotline number dialled (default +8640000000000)
  --lang   en presses 9 at the main menu (English)
  --url    the hotline's PUBLIC_BASE_URL (default $PUBLIC_BASE_URL or http://localhost:$PORT)
  --token  Twilio auth token to sign with (default $TWILIO_AUTH_TOKEN or the simulate-mode dev token)
  --stir   StirVerstat to send, e.g. TN-Validation-Passed-A
at a prompt: keys (1, 123456#, *), "s <words>" to speak, empty line = silence, q = hang up`;

/**
 * The options of `npm run call`, with their defaults from the environment; undefined when there is
 * no call to place (--help printed, or a bad option reported with process.exitCode set).
 */
export function readCliOptions(): SimulatorOptions | undefined {
  const { values } = parseArgs({
    options: {
      from: { type: 'string', default: '+8613800000001' },
      to: { type: 'string', default: '+8640000000000' },
      lang: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      stir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  if (values.lang && !['en', 'zh'].includes(values.lang)) {
    console.error('--lang must be en or zh');
    process.exitCode = 2;
    return undefined;
  }
  const baseUrl = (values.url ?? process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
  const token = values.token ?? (process.env.TWILIO_AUTH_TOKEN || SIMULATE_DEV_AUTH_TOKEN);
  return { baseUrl, token, from: values.from!, to: values.to!, lang: values.lang, stir: values.stir };
}
