import type { Client } from 'pg';

/**
 * COPY over node-postgres without pg-copy-streams: a "submittable" (the
 * extension point pg offers for custom protocol flows) that drives the
 * CopyOut / CopyIn sub-protocol itself. Text format, so what comes out of one
 * table goes back into another byte for byte.
 */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

abstract class CopySubmittable {
  callback?: (error: Error | null, result?: Buffer) => void;
  protected error: Error | null = null;

  constructor(private readonly text: string) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    this.callback?.(this.error, this.error ? undefined : this.result());
  }

  protected abstract result(): Buffer;
  handleCommandComplete(): void {
    // no rows in a COPY
  }
  handleRowDescription(): void {
    // no rows in a COPY
  }
  handleDataRow(): void {
    // no rows in a COPY
  }
  handleEmptyQuery(): void {
    // no rows in a COPY
  }
  handlePortalSuspended(): void {
    // no rows in a COPY
  }
  handleCopyData(_message: { chunk: Buffer }): void {
    // only CopyOut receives data
  }
  handleCopyInResponse(_connection: PgConnection): void {
    // only CopyIn sends data
  }
}

class CopyOut extends CopySubmittable {
  private readonly chunks: Buffer[] = [];

  // The parser hands out views of its own buffer, which it reuses: copy each chunk.
  override handleCopyData(message: { chunk: Buffer }): void {
    this.chunks.push(Buffer.from(message.chunk));
  }

  protected result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class CopyIn extends CopySubmittable {
  constructor(
    text: string,
    private readonly data: Buffer,
  ) {
    super(text);
  }

  override handleCopyInResponse(connection: PgConnection): void {
    const chunk = 64 * 1024;
    for (let at = 0; at < this.data.length; at += chunk)
      connection.sendCopyFromChunk(this.data.subarray(at, at + chunk));
    connection.endCopyFrom();
  }

  protected result(): Buffer {
    return Buffer.alloc(0);
  }
}

function run(client: Client, submittable: CopySubmittable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    submittable.callback = (error, result) => (error ? reject(error) : resolve(result ?? Buffer.alloc(0)));
    client.query(submittable as never);
  });
}

/** `COPY <table> TO STDOUT`: the table's rows in COPY text format. */
export const copyOut = (client: Client, table: string) => run(client, new CopyOut(`COPY ${table} TO STDOUT`));

/** `COPY <table> FROM STDIN` with rows in COPY text format. */
export const copyIn = (client: Client, table: string, rows: Buffer) =>
  run(client, new CopyIn(`COPY ${table} FROM STDIN`, rows)).then(() => undefined);
