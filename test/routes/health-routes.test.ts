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

  it('GET /readyz answers 200 when the store answers', async () => {
    const response = await hotline.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
  });

  it('needs no Twilio signature (load balancers and orchestrators call it), and takes no webhook', async () => {
    const response = await hotline.app.inject({ method: 'POST', url: '/readyz' });
    expect(response.statusCode).toBe(404);
  });
});
