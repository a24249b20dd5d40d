import type { RoundRobinBalancer } from '../lib/round-robin-balancer';
import type { PostForm } from '../lib/twilio-form';
import type { ApologyDetector } from './apology-detector';
import type { SoakStats } from './soak-stats';

/**
 * Twilio's webhook poster for the simulated calls: through the balancer, each webhook counted —
 * its latency in the minute it was sent, whether it was 200, whether the caller heard an apology.
 * The status callback (answered 204, never TwiML) is counted apart.
 */
export function countedPoster(balancer: RoundRobinBalancer, stats: SoakStats, detector: ApologyDetector): PostForm {
  return async (url, form, signature) => {
    const sentAt = stats.now();
    const statusCallback = new URL(url).pathname === '/voice/status';
    try {
      const answer = await balancer.post(url, form, signature);
      if (!statusCallback) stats.webhook(sentAt, answer.status, answer.status === 200 ? detector.trouble(answer.body) : undefined);
      return answer;
    } catch (error) {
      if (!statusCallback) stats.webhook(sentAt, 0, undefined);
      throw error;
    }
  };
}
