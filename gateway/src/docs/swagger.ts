import type { INestApplication } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, DECORATORS, DocumentBuilder, type OpenAPIObject, PartialType, PickType, SwaggerModule } from '@nestjs/swagger';
import { applyOpenApiMetadata } from '#contracts';
import { REFRESH_COOKIE } from '../auth/refresh-cookie.js';

export const DOCS_PATH = '/api/docs';

/**
 * Swagger UI needs its own scripts and inline styles and data: images; the JSON API needs
 * nothing, so only pages under /api/docs get this policy (see app.ts).
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * UI at /api/docs, OpenAPI 3 JSON at /api/docs-json. The document is built on the first request
 * for it, not at start-up: most processes never serve it, and it costs memory and start time.
 */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('TaskFlow API')
    .setDescription('Errors are always `{statusCode, error, message, requestId}`. Every response carries `X-Request-Id`.')
    .setVersion('1.0')
    .addBearerAuth()
    .addCookieAuth(REFRESH_COOKIE)
    .build();
  let document: OpenAPIObject | undefined;
  const lazyDocument = () => {
    if (!document) {
      // The model classes' OpenAPI metadata was only recorded when they were defined (libs/contracts/src/openapi.ts).
      applyOpenApiMetadata({ ApiProperty, ApiPropertyOptional, DECORATORS, PartialType, PickType });
      document = SwaggerModule.createDocument(app, config);
    }
    return document;
  };
  SwaggerModule.setup(DOCS_PATH.slice(1), app, lazyDocument, { jsonDocumentUrl: `${DOCS_PATH.slice(1)}-json`, yamlDocumentUrl: `${DOCS_PATH.slice(1)}-yaml` });
}
