import {
  bearerCredential,
  type HttpRequest,
  type HttpResponse,
  problem,
  unauthorized,
} from '#shared/http.ts';
import { logger } from '#shared/observability.ts';
import {
  InvalidViewerTokenError,
  ViewerKeysUnavailableError,
  type ViewerTokenVerifier,
} from './viewer-token.ts';

/** Who a request is from, or the answer that refuses it (401, or 503 when the keys cannot be had). */
export type ViewerAuthentication =
  | { readonly kind: 'viewer'; readonly profileId: string }
  | { readonly kind: 'refused'; readonly response: HttpResponse };

export type ViewerAuthenticator = (request: HttpRequest) => Promise<ViewerAuthentication>;

/** The viewer JWT of a request (CONTRACT §4 "Applying"), as every viewer route checks it, first. */
export const viewerAuthenticator =
  (verify: ViewerTokenVerifier): ViewerAuthenticator =>
  async (request) => {
    const token = bearerCredential(request);
    if (!token) {
      return {
        kind: 'refused',
        response: unauthorized('a viewer token is required: Authorization: Bearer <JWT>', false),
      };
    }
    try {
      const { profileId } = await verify(token);
      return { kind: 'viewer', profileId };
    } catch (error) {
      if (error instanceof InvalidViewerTokenError) {
        return {
          kind: 'refused',
          response: unauthorized(`the viewer token is not valid: ${error.message}`, true),
        };
      }
      if (error instanceof ViewerKeysUnavailableError) {
        logger.error('viewer keys unavailable', { error: error.message });
        return {
          kind: 'refused',
          response: problem(
            503,
            'Service Unavailable',
            'viewer tokens cannot be verified right now; try again',
          ),
        };
      }
      throw error;
    }
  };
