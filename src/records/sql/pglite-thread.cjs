/*
 * The embedded PostgreSQL (pglite) in a worker thread of its own (see embedded-database.ts): its
 * WebAssembly runs off the event loop that answers webhooks, and it loads where a test runner's
 * module sandbox cannot import pglite's ES modules. Messages in: { id, op: 'query' | 'exec' |
 * 'close', text, params }; out: { id, rows } or { id, error: { message, code } }; first { ready }
 * or { failed }.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);

PGlite.create(workerData.dataDir)
  .then((db) => {
    parentPort.on('message', async ({ id, op, text, params }) => {
      try {
        if (op === 'close') {
          await db.close();
          parentPort.postMessage({ id, rows: [] });
          parentPort.close();
          return;
        }
        const rows = op === 'exec' ? (await db.exec(text), []) : (await db.query(text, params)).rows;
        parentPort.postMessage({ id, rows });
      } catch (error) {
        parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
      }
    });
    parentPort.postMessage({ ready: true });
  })
  .catch((error) => parentPort.postMessage({ failed: String((error && error.stack) || error) }));
