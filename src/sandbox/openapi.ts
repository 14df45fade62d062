// Per-endpoint OpenAPI 3 documents shaped like fal's `openapi.json?endpoint_id=ID`: the queue paths,
// `QueueStatus`, and the endpoint's `<PascalId>Input` / `<PascalId>Output` with their components.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { findEndpoint } from './endpoints';
import type { JsonSchema, SandboxEndpoint } from './endpoints/types';
import { sendDetail, sendJson } from './http';
import { thumbnailUrl } from './thumbnails';

/** `sandbox/image-to-image` -> `SandboxImageToImage`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

const QUEUE_STATUS: JsonSchema = {
  type: 'object',
  title: 'QueueStatus',
  properties: {
    status: { type: 'string', enum: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] },
    request_id: { type: 'string', description: 'The request id.' },
    response_url: { type: 'string', description: 'The response url.' },
    status_url: { type: 'string', description: 'The status url.' },
    cancel_url: { type: 'string', description: 'The cancel url.' },
    logs: { type: 'object', description: 'The logs.', additionalProperties: true },
    metrics: { type: 'object', description: 'The metrics.', additionalProperties: true },
    queue_position: { type: 'integer', description: 'The queue position.' },
  },
  required: ['status', 'request_id'],
};

/** The OpenAPI document of `id` (the endpoint id as asked, sub-path included). */
export function openApiDocument(
  ctx: SandboxContext,
  endpoint: SandboxEndpoint,
  id = endpoint.id,
): JsonSchema {
  const name = pascalCase(id);
  const inputName = `${name}Input`;
  const outputName = `${name}Output`;
  const requestId = {
    name: 'request_id',
    in: 'path',
    required: true,
    schema: { type: 'string', description: 'Request ID' },
  };
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
  const ref = (n: string) => ({ $ref: `#/components/schemas/${n}` });
  return {
    openapi: '3.0.4',
    info: {
      title: `Queue OpenAPI for ${id}`,
      version: '1.0.0',
      description: endpoint.metadata.description,
      'x-fal-metadata': {
        endpointId: id,
        category: endpoint.metadata.category,
        thumbnailUrl: thumbnailUrl(ctx, id),
        playgroundUrl: `${ctx.baseUrl}/run/${id}`,
        documentationUrl: `${ctx.baseUrl}/openapi/queue/openapi.json?endpoint_id=${id}`,
      },
    },
    components: {
      securitySchemes: {
        apiKeyAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Fal Key' },
      },
      schemas: {
        QueueStatus: QUEUE_STATUS,
        [inputName]: { ...endpoint.input, title: inputName },
        [outputName]: { ...endpoint.output, title: outputName },
        ...endpoint.components,
      },
    },
    paths: {
      [`/${id}/requests/{request_id}/status`]: {
        get: {
          parameters: [
            requestId,
            {
              name: 'logs',
              in: 'query',
              required: false,
              schema: {
                type: 'number',
                description: 'Whether to include logs (`1`) in the response or not (`0`).',
              },
            },
          ],
          responses: { '200': { description: 'The request status.', content: json(ref('QueueStatus')) } },
        },
      },
      [`/${id}/requests/{request_id}/cancel`]: {
        put: {
          parameters: [requestId],
          responses: {
            '200': {
              description: 'The request was cancelled.',
              content: json({
                type: 'object',
                properties: {
                  success: {
                    type: 'boolean',
                    description: 'Whether the request was cancelled successfully.',
                  },
                },
              }),
            },
          },
        },
      },
      [`/${id}`]: {
        post: {
          requestBody: { required: true, content: json(ref(inputName)) },
          responses: { '200': { description: 'The request status.', content: json(ref('QueueStatus')) } },
        },
      },
      [`/${id}/requests/{request_id}`]: {
        get: {
          parameters: [requestId],
          responses: { '200': { description: 'Result of the request.', content: json(ref(outputName)) } },
        },
      },
    },
    servers: [{ url: `${ctx.baseUrl}/queue` }],
    security: [{ apiKeyAuth: [] }],
  };
}

/** `GET /openapi/queue/openapi.json?endpoint_id=ID` (public). */
export function handleOpenApi(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const id = url.searchParams.get('endpoint_id');
  if (!id) return sendDetail(res, 400, 'Missing query parameter endpoint_id');
  const endpoint = findEndpoint(id);
  if (!endpoint) return sendDetail(res, 404, `Endpoint ${id} not found`);
  sendJson(res, 200, openApiDocument(ctx, endpoint, id.replace(/\/+$/, '')));
}
