import { MemoryHumanQueue } from '../../src/queue/memory-human-queue';
import { humanQueueContract } from './human-queue.contract';

describe('MemoryHumanQueue', () => {
  humanQueueContract({
    create: async () => new MemoryHumanQueue(),
    cleanup: async () => undefined,
  });
});
