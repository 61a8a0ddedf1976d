/**
 * The webhooks function's routes, listed once (lib/routing.ts, and the handlers typed by them): one POST per
 * platform, and the WebSub verification GET beside YouTube's notifications.
 */
export const WEBHOOK_ROUTES = [
  'POST /webhooks/tiktok',
  'GET /webhooks/youtube',
  'POST /webhooks/youtube',
  'POST /webhooks/contra',
] as const;
