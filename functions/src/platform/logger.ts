// The one logger of every runtime (Lambda, `npm start`, the worker, tests): Powertools for AWS Lambda's Logger behind
// our small port. On Lambda the entry points hand it each invocation's context (addLambdaContext), so every line
// carries the request id and the function's name, memory and cold start. The line's shape, the levels and the
// redaction of secret-looking keys are ours and the same everywhere.
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';

/** The logging port: structured, one JSON object per line. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';

// Keys whose values are secrets wherever they appear; logged as "[redacted]".
const SECRET_KEY = /pass(word)?|token|secret|cookie|authorization|credential/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

/**
 * `{ level, time, message, …base, …fields }`, as our lines always were, plus on Lambda the invocation's
 * `function_request_id`, `function_name`, `function_memory_size`, `cold_start` and `xray_trace_id` (Powertools' names).
 */
class PanelLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const lambda = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel.toLowerCase(),
        time: attributes.timestamp.toISOString(),
        message: attributes.message,
        ...(lambda && {
          function_request_id: lambda.awsRequestId,
          function_name: lambda.functionName,
          function_memory_size: Number(lambda.memoryLimitInMB),
          cold_start: lambda.coldStart,
          xray_trace_id: attributes.xRayTraceId,
        }),
        ...additional,
      },
    });
  }
}

/** Where a logger of ours keeps its Powertools instance, for addLambdaContext. */
const LAMBDA = Symbol('powertools logger');

/**
 * Powertools' Logger, printing each line with `write` (stdout by default, every level, as our lines always went;
 * a test or the worker passes its own). Empty fields are kept: a null says "none", which an absent key does not.
 */
class PanelLogger extends PowertoolsLogger {
  private readonly sink: (line: string) => void;

  constructor(level: Level, base: Record<string, unknown> | undefined, write: (line: string) => void) {
    super({ logLevel: level.toUpperCase() as 'INFO', logFormatter: new PanelLogFormatter(), persistentKeys: base });
    this.sink = write;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    this.sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

/**
 * A logger writing JSON lines, to stdout or to `write`. Field values under a secret-looking key are "[redacted]",
 * at any depth; Errors become their name and message. Newlines in values cannot forge lines (JSON escapes them).
 */
export function createJsonLogger(opts: { level?: Level; write?: (line: string) => void; base?: Record<string, unknown> } = {}): Logger {
  const logger = new PanelLogger(opts.level ?? 'info', opts.base, opts.write ?? ((line) => process.stdout.write(`${line}\n`)));
  const log = (level: Exclude<Level, 'silent'>) => (message: string, fields?: Record<string, unknown>) => logger[level](message, redact(fields ?? {}) as LogAttributes);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), [LAMBDA]: logger } as Logger;
}

/** Called by a Lambda entry point at the start of each invocation: the lines it logs then name that invocation. */
export function addLambdaContext(logger: Logger, context: object | undefined): void {
  if (context) (logger as Logger & { [LAMBDA]?: PowertoolsLogger })[LAMBDA]?.addContext(context as Context);
}
