import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** The snippet as served: read once, with its gzip form and a content hash as version and ETag. */
export class SnippetAsset {
  readonly source: Buffer;
  readonly gzipped: Buffer;
  readonly version: string;
  readonly etag: string;

  constructor(path = join(__dirname, 'callpool-snippet.js')) {
    this.source = readFileSync(path);
    this.gzipped = gzipSync(this.source, { level: 9 });
    this.version = `1.${createHash('sha256').update(this.source).digest('hex').slice(0, 12)}`;
    this.etag = `"${this.version}"`;
  }
}

/**
 * GET /v1/snippet.js (CONTRACT.md v3): public and cacheable for an hour; the
 * path carries the major version, the ETag the exact build, so a browser
 * revalidates cheaply and a CDN may sit in front. Served while the shard
 * rebuilds: the snippet itself fails safe when the API does not answer.
 */
@Controller('v1')
export class SnippetController {
  private readonly asset = new SnippetAsset();

  @Get('snippet.js')
  @Header('Cache-Control', 'public, max-age=3600')
  @Header('Vary', 'Accept-Encoding')
  snippet(@Headers() headers: Record<string, string | undefined>, @Res() reply: FastifyReply): void {
    const { asset } = this;
    void reply
      .header('ETag', asset.etag)
      .header('X-Callpool-Snippet-Version', asset.version)
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .type('application/javascript; charset=utf-8');
    if (headers['if-none-match'] === asset.etag) {
      void reply.status(304).send();
      return;
    }
    const gzip = /\bgzip\b/.test(headers['accept-encoding'] ?? '');
    if (gzip) void reply.header('Content-Encoding', 'gzip');
    void reply.status(200).send(gzip ? asset.gzipped : asset.source);
  }
}
