// Test harness: runs the packaged distribution's bin/hookline as a child process.
//
//   const server = await HooklineServer.start();       // free port, fresh data dir
//   server.url                                           // http://127.0.0.1:PORT
//   await server.stop();                                 // SIGTERM, wait for the exit
//   await server.restart();                              // same port, same data dir
//   await server.dispose();                              // stop + delete the data dir
//
// Environment:
//   HOOKLINE_HOME            the unpacked distribution (Maven sets it; default: the one under
//                            ../../distribution/target)
//   JAVA_HOME                passed through to bin/hookline; when unset, HOOKLINE_TEST_JAVA_HOME
//                            (the JDK running Maven) is used, else bin/hookline searches PATH
//   HOOKLINE_TEST_LOG_DIR    where server logs go (default: target/browser-tests-logs)

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const START_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 40_000;

export function hooklineHome() {
  if (process.env.HOOKLINE_HOME) return resolve(process.env.HOOKLINE_HOME);
  const pom = readFileSync(join(moduleDir, 'pom.xml'), 'utf8');
  const version = /<parent>[\s\S]*?<version>([^<]+)<\/version>/.exec(pom)?.[1] ?? '0.1.0-SNAPSHOT';
  return resolve(moduleDir, '..', '..', 'distribution', 'target', `hookline-${version}`);
}

/** A TCP port that was free a moment ago (bound to 127.0.0.1 with port 0, then released). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let logCounter = 0;

export class HooklineServer {
  constructor({ home = hooklineHome(), port, dataDir, name = 'server', extraArgs = [] } = {}) {
    this.home = home;
    this.port = port;
    this.dataDir = dataDir;
    this.name = name;
    this.extraArgs = extraArgs;
    this.child = null;
    this.exit = null; // promise of {code, signal} for the running child
    this.logTail = [];
    this.starts = 0;
  }

  /** Starts a server on a free port with a fresh data dir; waits until GET /health is 200. */
  static async start(options = {}) {
    const server = new HooklineServer({
      ...options,
      port: options.port ?? (await freePort()),
      dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'hookline-browser-test-')),
    });
    await server.#launch();
    return server;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get running() {
    return this.child !== null;
  }

  async #launch() {
    const launcher = join(this.home, 'bin', 'hookline');
    if (!existsSync(launcher)) {
      throw new Error(
        `No distribution at ${this.home} (missing bin/hookline). Build it first: ` +
          'mvn -B -ntp -pl distribution -am package -DskipTests (or run this module with -am).',
      );
    }
    const env = { ...process.env };
    if (!env.JAVA_HOME && env.HOOKLINE_TEST_JAVA_HOME) env.JAVA_HOME = env.HOOKLINE_TEST_JAVA_HOME;
    delete env.HOOKLINE_TEST_JAVA_HOME;

    const logDir = process.env.HOOKLINE_TEST_LOG_DIR ?? join(moduleDir, 'target', 'browser-tests-logs');
    mkdirSync(logDir, { recursive: true });
    this.starts += 1;
    const logFile = join(logDir, `${process.pid}-${++logCounter}-${this.name}-start${this.starts}.log`);
    const log = createWriteStream(logFile);
    this.logFile = logFile;
    this.logTail = [];

    const args = ['--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir, ...this.extraArgs];
    const child = spawn(launcher, args, { env, cwd: this.home, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) this.logTail.push(line);
      }
      if (this.logTail.length > 60) this.logTail.splice(0, this.logTail.length - 60);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exit = new Promise((resolveExit) => {
      child.on('exit', (code, signal) => {
        // Let the pipes drain into the log before reporting.
        setTimeout(() => {
          log.end();
          resolveExit({ code, signal });
        }, 50);
      });
      child.on('error', (error) => {
        log.end();
        resolveExit({ code: null, signal: null, error });
      });
    });
    this.exit.then(() => {
      if (this.child === child) this.child = null;
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    let exited = null;
    this.exit.then((e) => (exited = e));
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(
          `bin/hookline exited during start-up (${exited.error ?? `code ${exited.code}, signal ${exited.signal}`}).\n` +
            this.describeLog(),
        );
      }
      if (await this.healthy()) return;
      await sleep(150);
    }
    await this.#kill();
    throw new Error(`bin/hookline did not answer GET /health with 200 within ${START_TIMEOUT_MS / 1000} s.\n${this.describeLog()}`);
  }

  async healthy() {
    try {
      const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  describeLog() {
    return `Server log (${this.logFile}), last lines:\n  ${this.logTail.slice(-30).join('\n  ')}`;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after STOP_TIMEOUT_MS). Returns {code, signal}. */
  async stop() {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    let timer;
    const result = await Promise.race([
      this.exit,
      new Promise((r) => (timer = setTimeout(() => r(null), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (result) return result;
    await this.#kill();
    throw new Error(`bin/hookline did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killed.\n${this.describeLog()}`);
  }

  async #kill() {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  /** Starts again on the same port and data dir (the previous run must have stopped). */
  async restart() {
    if (this.child) await this.stop();
    await this.#launch();
  }

  /** Stops the server (if running) and deletes its data dir. Never throws. */
  async dispose() {
    try {
      await this.stop();
    } catch (error) {
      console.error(String(error));
    }
    try {
      rmSync(this.dataDir, { recursive: true, force: true });
    } catch {
      // a leftover temp dir is harmless
    }
  }
}
