import type { RoundRobinBalancer } from '../lib/round-robin-balancer';
import type { PostForm } from '../lib/twilio-form';
import type { ApologyDetector } from './apology-detector';
import type { SoakStats } from './soak-stats';

/** Twilio gives a webhook 15 s in all, then plays its "application error" (or tries the fallback URL). */
const TWILIO_LIMIT_MS = 15_000;

class TwilioGaveUp extends Error {
  constructor(url: string) {
    super(`no answer within ${TWILIO_LIMIT_MS / 1000} s: ${url}`);
  }
}

/**
 * Twilio's webhook poster for the simulated calls: through the balancer, each webhook counted —
 * its latency in the minute it was sent, whether it was 200 within Twilio's 15 s, whether the
 * caller heard an apology. The status callback (answered 204, never TwiML) is counted apart.
 */
export function countedPoster(balancer: RoundRobinBalancer, stats: SoakStats, detector: ApologyDetector): PostForm {
  return async (url, form, signature) => {
    const sentAt = stats.now();
    const statusCallback = new URL(url).pathname === '/voice/status';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TwilioGaveUp(url)), TWILIO_LIMIT_MS);
    });
    try {
      const answer = await Promise.race([balancer.post(url, form, signature), deadline]);
      if (!statusCallback) stats.webhook(sentAt, answer.status, answer.status === 200 ? detector.trouble(answer.body) : undefined);
      return answer;
    } catch (error) {
      if (!statusCallback) stats.webhook(sentAt, error instanceof TwilioGaveUp ? 'not within 15 s' : 'no answer', undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
