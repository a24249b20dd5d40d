import net from 'node:net';

/**
 * A port nobody listens on right now, for a server that must know its own address before it
 * listens (PUBLIC_BASE_URL names it, and Twilio signatures cover the full URL).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
