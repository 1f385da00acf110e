import pino, { type Logger } from 'pino';

/** Creates the process logger: JSON lines on stdout, with secrets redacted should one ever reach a log call. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.authorization', '*.routing_key', '*.routingKey', '*.webhookUrl', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
