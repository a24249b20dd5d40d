import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { HandoffRecords } from '../../handoff/record/handoff-records';
import { openEventStream, type EventStream } from '../event-stream';
import type { SupervisorOverview } from './overview';

/** Changes within this long are sent as one `overview`. */
const COALESCE_MS = 250;
/**
 * The overview is sent again this often, changed or not: waits grow, wrap-up windows lapse, the
 * records worker writes the day's figures, and other instances' availability changes arrive.
 */
export const REFRESH_MS = 5000;

/**
 * `GET /supervisor/events`: the overview pushed to every supervisor page connected to this
 * instance, at once when any hand-off record changes (on whichever instance) or an agent on this
 * instance changes availability, and every REFRESH_MS. One overview is read for all streams.
 */
export class OverviewEventHub {
  private readonly streams = new Set<EventStream>();
  private subscription: Promise<() => void> | undefined;
  private pending: NodeJS.Timeout | undefined;
  private refresh: NodeJS.Timeout | undefined;
  /** A reading in progress, and whether another is due after it. */
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly overview: SupervisorOverview,
    private readonly records: HandoffRecords,
    private readonly log: FastifyBaseLogger,
  ) {}

  async stream(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    this.subscription ??= this.records.onChange(() => this.changed()).catch((error: unknown) => {
      this.subscription = undefined;
      throw error;
    });
    await this.subscription;
    const stream = openEventStream(request, reply, () => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.stopRefresh();
    });
    this.streams.add(stream);
    this.refresh ??= setInterval(() => this.changed(), REFRESH_MS);
    this.refresh.unref();
    try {
      stream.send('overview', await this.overview.now());
    } catch (error) {
      // The page's EventSource opens a new stream by itself.
      this.log.warn({ err: error }, 'could not read the overview for a new supervisors’ stream');
      this.streams.delete(stream);
      stream.end();
    }
  }

  /** Something the overview shows may have changed: one reading for all, a moment later. */
  changed(): void {
    if (this.streams.size === 0) return;
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.send();
    }, COALESCE_MS);
  }

  /** Ends every stream, so the server can close. */
  stop(): void {
    void this.subscription?.then((unsubscribe) => unsubscribe(), () => undefined);
    this.subscription = undefined;
    clearTimeout(this.pending);
    this.pending = undefined;
    this.stopRefresh();
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  private stopRefresh(): void {
    clearInterval(this.refresh);
    this.refresh = undefined;
  }

  private async send(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      try {
        const body = await this.overview.now();
        for (const stream of this.streams) stream.send('overview', body);
      } catch (error) {
        this.log.warn({ err: error }, 'could not send the overview to the supervisors');
      }
    })();
    await this.reading;
    this.reading = undefined;
    if (this.again) {
      this.again = false;
      await this.send();
    }
  }
}
