import { type HttpRequest, type HttpResponse, json, PUBLIC_READ_CACHE } from '#shared/http.ts';
import { dispatchHttp, type Routes } from '#shared/http-dispatch.ts';
import { type ApiDescription, openApiDocument } from './openapi-document.ts';
import type { API_DOCS_ROUTES } from './routes.ts';

/**
 * GET /openapi.json: the document, built on the first request (a cold start pays nothing for it) and kept for
 * the container's life, served as a public read the CDN caches. It needs no table and no secret.
 */
export const createApiDocsHandler = (description: ApiDescription) => {
  let served: HttpResponse | undefined;
  const routes: Routes<(typeof API_DOCS_ROUTES)[number]> = {
    'GET /openapi.json': async () => {
      served ??= json(200, openApiDocument(description), PUBLIC_READ_CACHE);
      return served;
    },
  };
  const dispatch = dispatchHttp(routes);
  return (request: HttpRequest): Promise<HttpResponse> => dispatch(request);
};
