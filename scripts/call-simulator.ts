/**
 * Dial the running hotline from the terminal as Twilio would, with no Twilio account:
 *
 *   npm run call -- [--from +8613800000001] [--lang en] [--url http://localhost:3000] [--token …]
 *
 * Every webhook is a form post signed with X-Twilio-Signature (the token defaults to
 * TWILIO_AUTH_TOKEN, else the simulate-mode development token). Prompts are printed; type keys
 * (`1`, `123456#`, `*`), `s <words>` to speak, an empty line to stay silent, `q` to hang up.
 * Works with piped input too: `printf '3\n1\n1\nq\n' | npm run call`.
 *
 * The parts are in scripts/simulator/: the options, the caller at the terminal, the TwiML runner
 * playing Twilio, its waiting room for <Enqueue>, and the outbox watcher (SMS, call updates).
 */
import { createHttpPoster } from './lib/http-poster';
import { LineReader } from './lib/line-reader';
import { CallerTerminal } from './simulator/caller-terminal';
import { readCliOptions } from './simulator/cli-options';
import { TwimlRunner } from './simulator/twiml-runner';

async function main(): Promise<void> {
  const options = readCliOptions();
  if (!options) return;
  const poster = createHttpPoster({ maxSockets: 2 });
  const input = new LineReader(process.stdin);
  const simulator = new TwimlRunner(poster, new CallerTerminal(input, options.lang), options);
  process.once('SIGINT', () => {
    console.log('\n☎  you hung up (Ctrl-C)');
    void simulator.hangUp().finally(() => process.exit(130));
  });
  try {
    await simulator.run();
  } catch (error) {
    console.error('❌', error);
    process.exitCode = 1;
  } finally {
    input.close();
    poster.close();
  }
}

void main();
