// ragline's embedded PostgreSQL: PGlite's wire-protocol server, with one fix.
//
// PGlite runs ONE backend session for every connection, and pglite-socket queues each TCP read of a connection as
// one unit of work. A client that sends an extended-protocol exchange (Parse/Bind/Describe/Execute/Sync) in more than
// one read (large parameters, such as a 384-dimension vector, make the JDBC driver flush mid-exchange) could then have
// another connection's Parse land between its Parse and its Bind ("bind message supplies 5 parameters, but prepared
// statement "" requires 2"). Here each connection's bytes are held until a whole exchange has arrived (a message that
// ends one: Sync, Query, Flush, Terminate, a password/SASL answer, CopyDone/CopyFail) and then queued as one unit, so
// exchanges of different connections never interleave. Only the local runtime needs this; a real PostgreSQL has a
// session per connection.
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const ENDS_EXCHANGE = new Set(['S', 'Q', 'H', 'X', 'p', 'c', 'f'].map((c) => c.charCodeAt(0)));
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

const handleData = PGLiteSocketHandler.prototype.handleData;

// pglite-socket hands a read to PGlite one message at a time, awaiting each, so two connections' exchanges would
// interleave message by message (another Parse replacing the unnamed statement between a Parse and its Bind: "bind
// message supplies 1 parameters, but prepared statement \"\" requires 5", or "No results were returned by the query").
// Here whole exchanges run one at a time. A connection waits (without holding the turn) while another connection's
// transaction is open, as pglite-socket itself only serves the transaction's owner then.
let busy = false;
const waiting = [];

function turn() {
  if (!busy) {
    busy = true;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function done() {
  const next = waiting.shift();
  if (next) {
    next();
  } else {
    busy = false;
  }
}

async function exclusive(handler, run) {
  for (;;) {
    await turn();
    const queue = handler.queryQueue;
    const other = queue && queue.db && queue.db.isInTransaction() && queue.lastHandlerId !== handler.id;
    if (!other) {
      try {
        return await run();
      } finally {
        done();
      }
    }
    done();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

PGLiteSocketHandler.prototype.handleData = async function (data) {
  if (!this.raglineStarted) {
    // untyped packets come first: SSL/GSS negotiation, cancel, then the startup message
    if (data.length >= 8) {
      const code = Buffer.from(data.buffer, data.byteOffset, data.length).readInt32BE(4);
      if (code !== SSL_REQUEST && code !== GSS_REQUEST && code !== CANCEL_REQUEST) {
        this.raglineStarted = true;
      }
    }
    return handleData.call(this, data);
  }
  const pending = this.raglinePending;
  const buf = pending ? Buffer.concat([pending, data]) : Buffer.from(data);
  let pos = 0;
  let complete = 0;
  while (pos + 5 <= buf.length) {
    const end = pos + 1 + buf.readInt32BE(pos + 1);
    if (end > buf.length) {
      break;
    }
    if (ENDS_EXCHANGE.has(buf[pos])) {
      complete = end;
    }
    pos = end;
  }
  if (complete === 0) {
    this.raglinePending = buf;
    return 0;
  }
  this.raglinePending = complete < buf.length ? buf.subarray(complete) : null;
  return exclusive(this, () => handleData.call(this, new Uint8Array(buf.buffer, buf.byteOffset, complete)));
};

await import(new URL('./node_modules/@electric-sql/pglite-socket/dist/scripts/server.js', import.meta.url));
