import { z } from 'zod';

// Response shapes of the ZAP JSON API (zaproxy, org.zaproxy.zap.extension.api): every value is a string, and
// errors are `{"code": "does_not_exist", "message": "Does Not Exist", "detail": …}` with HTTP 400, or 500 for
// internal errors.

/** `/JSON/spider/action/scan/` and `/JSON/ascan/action/scan/` */
export const scanStartedSchema = z.object({ scan: z.string().regex(/^\d+$/, 'must be a numeric scan id') });

/** `/JSON/spider/view/status/` and `/JSON/ascan/view/status/`: progress in percent. */
export const scanStatusSchema = z.object({ status: z.string().regex(/^\d+$/, 'must be a percentage') });

/** `/JSON/…/action/stop/` */
export const actionResultSchema = z.object({ Result: z.string() });

const alertSchema = z.object({
  pluginId: z.string(),
  /** `name` since ZAP 2.5.0; `alert` before, still sent for compatibility. */
  name: z.string().optional(),
  alert: z.string().optional(),
  risk: z.enum(['Informational', 'Low', 'Medium', 'High']),
  confidence: z.enum(['False Positive', 'Low', 'Medium', 'High', 'Confirmed']),
  url: z.string(),
  method: z.string().optional(),
  param: z.string().optional(),
  evidence: z.string().optional(),
  cweid: z.string().optional(),
});

/** `/JSON/core/view/alerts/` */
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) });

export const errorResponseSchema = z.object({
  code: z.string(),
  message: z.string().optional(),
  detail: z.string().optional(),
});

export type RawZapAlert = z.output<typeof alertSchema>;
