import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/free-port';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl on a free loopback port, data in a temp
 * folder), to stop and start at will — never the machine's shared one. PostgreSQL refuses to run
 * as root, so as root it runs as the `postgres` user.
 */
export class PrivatePostgres {
  readonly url: string;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly asUser: string[],
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-'));
    const root = process.getuid?.() === 0;
    if (root) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(group.trim()));
    }
    const server = new PrivatePostgres(dir, await freePort(), root ? ['runuser', '-u', 'postgres', '--'] : []);
    await server.exec(`${BIN}/initdb`, ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.exec(`${BIN}/pg_ctl`, ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-o', options, '-w', 'start']);
  }

  /** A fast shutdown: connections are cut, as in an outage. */
  async stop(): Promise<void> {
    await this.exec(`${BIN}/pg_ctl`, ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(command: string, args: string[]): Promise<void> {
    const [file, ...rest] = [...this.asUser, command, ...args];
    await run(file!, rest, { timeout: 60_000 });
  }
}
