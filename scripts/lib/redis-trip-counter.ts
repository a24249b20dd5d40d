import net from 'node:net';

/**
 * A TCP proxy in front of Redis that counts what its clients ask for: every command (by name, as
 * sent on the wire — an EVALSHA is one command, whatever the script does inside) and every round
 * trip: a send that starts while nothing is awaiting a reply on that connection. A MULTI…EXEC or a
 * pipeline written at once is one round trip; two commands awaited one after the other are two.
 * (If a pipeline's second write reached the proxy only after the first reply, it counts twice:
 * the error is always upwards, never flattering.)
 */
export class RedisTripCounter {
  roundTrips = 0;
  readonly commands = new Map<string, number>();
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly upstreamHost: string, private readonly upstreamPort: number) {}

  get totalCommands(): number {
    let total = 0;
    for (const count of this.commands.values()) total += count;
    return total;
  }

  reset(): void {
    this.roundTrips = 0;
    this.commands.clear();
  }

  /** Listens on 127.0.0.1 and resolves with the port. */
  async start(): Promise<number> {
    this.server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.upstreamPort, this.upstreamHost);
    this.sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let awaitingReply = false;
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (!awaitingReply) this.roundTrips += 1;
      awaitingReply = true;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = this.countCommands(pending);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      awaitingReply = false;
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  /** Reads whole RESP commands (arrays of bulk strings) off the front of `buffer`; returns the rest. */
  private countCommands(buffer: Buffer): Buffer {
    let offset = 0;
    for (;;) {
      const parsed = parseCommand(buffer, offset);
      if (!parsed) break;
      this.commands.set(parsed.name, (this.commands.get(parsed.name) ?? 0) + 1);
      offset = parsed.end;
    }
    return offset === 0 ? buffer : buffer.subarray(offset);
  }
}

function readLine(buffer: Buffer, offset: number): { line: string; next: number } | undefined {
  const end = buffer.indexOf('\r\n', offset);
  if (end < 0) return undefined;
  return { line: buffer.toString('latin1', offset, end), next: end + 2 };
}

function parseCommand(buffer: Buffer, offset: number): { name: string; end: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const header = readLine(buffer, offset);
  if (!header) return undefined;
  if (!header.line.startsWith('*')) {
    // An inline command (redis-cli style): one line.
    return { name: header.line.split(' ')[0]!.toUpperCase(), end: header.next };
  }
  const count = Number(header.line.slice(1));
  let position = header.next;
  let name = '';
  for (let i = 0; i < count; i += 1) {
    const length = readLine(buffer, position);
    if (!length) return undefined;
    const size = Number(length.line.slice(1));
    if (length.next + size + 2 > buffer.length) return undefined;
    if (i === 0) name = buffer.toString('latin1', length.next, length.next + size).toUpperCase();
    position = length.next + size + 2;
  }
  return { name, end: position };
}
