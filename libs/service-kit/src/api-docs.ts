import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { HttpApi } from '@callpool/contracts';

extendZodWithOpenApi(z);

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * A registry for a service's OpenAPI document, built from the same zod
 * schemas that validate its requests, with what every service shares: the
 * error shape, /health, /metrics and the manual clock.
 */
export function apiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register('ApiError', HttpApi.ApiErrorBody);
  registry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Whether the service can do its job; the body names any missing dependency',
    responses: { 200: jsonAny('healthy'), 503: jsonAny('a dependency is missing') },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  });
  registry.registerPath({
    method: 'post',
    path: '/internal/clock',
    tags: ['operations'],
    summary: 'CALLPOOL_CLOCK=manual only (404 otherwise): move the clock forward, committing what falls due',
    security: [{ adminToken: [] }],
    request: { body: { content: { 'application/json': { schema: z.object({ now: z.string().datetime() }) } } } },
    responses: {
      204: { description: 'moved' },
      401: apiError('no admin token'),
      409: apiError('earlier than the clock'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['operations'],
    summary: 'This document',
    responses: { 200: jsonAny('OpenAPI 3.1') },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    tags: ['operations'],
    summary: 'A browsable UI of this document',
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
  });
  registry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer' });
  return registry;
}

/** A JSON error answer in the one shape of every API. */
export function apiError(description: string) {
  return { description, content: { 'application/json': { schema: HttpApi.ApiErrorBody } } };
}

export function jsonAnswer(description: string, schema: z.ZodTypeAny) {
  return { description, content: { 'application/json': { schema } } };
}

function jsonAny(description: string) {
  return { description, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } };
}

export function openApiDocument(
  registry: OpenAPIRegistry,
  info: { title: string; description: string; version: string },
): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info });
}

/**
 * GET /openapi.json and a browsable UI at GET /docs (swagger-ui's assets come
 * from the swagger-ui-dist package: nothing is fetched from the internet).
 * Call before the app listens.
 */
export function serveApiDocs(app: NestFastifyApplication, document: OpenApiDocument): void {
  SwaggerModule.setup('docs', app, document as never, {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: document.info.title,
  });
}
