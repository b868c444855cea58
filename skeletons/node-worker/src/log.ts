import pino, { Logger } from 'pino';
import type { LogLevel } from './config';
import { SERVICE_NAME } from './service';

/**
 * Structured JSON logs (pino), one object per line. They go to process.stdout, whose writes are
 * synchronous for files and pipes (a container's stdout), so no line is lost or reordered when
 * the process exits right after logging. Message bodies are never logged: they may hold personal data.
 */
export function createLogger(level: LogLevel, stream: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, name: SERVICE_NAME }, stream);
}
