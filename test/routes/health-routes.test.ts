import { TEST_REDIS_URL } from '../support/redis';
import { startTestHotline, type TestHotline } from '../support/test-app';

describe.each(['redis', 'memory'] as const)('health and readiness (%s store)', (store) => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline({ store });
  });
  afterAll(() => hotline.close());

  it('GET /healthz answers 200 while the process runs', async () => {
    const response = await hotline.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
  });

  it('GET /readyz answers 200 when the store answers, naming the deployment and its state', async () => {
    const response = await hotline.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    if (store === 'memory') expect(response.json()).toEqual({ status: 'ready', store: 'memory', deployment: 'embedded' });
    else expect(response.json()).toMatchObject({ status: 'ready', store: 'redis', deployment: 'single', redis: { master: expect.stringMatching(new RegExp(`:${new URL(TEST_REDIS_URL).port || 6379}$`)), role: 'master', replicas: expect.any(Number) } });
  });

  it('needs no Twilio signature (load balancers and orchestrators call it), and takes no webhook', async () => {
    const response = await hotline.app.inject({ method: 'POST', url: '/readyz' });
    expect(response.statusCode).toBe(404);
  });
});
