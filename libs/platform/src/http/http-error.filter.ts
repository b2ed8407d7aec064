import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { allowedMethods, answersProblems, CodedError, ErrorResponse, HttpError, PROBLEM_CONTENT_TYPE, RequestError } from '@admit/contracts';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorAnswer, ERROR_STATUS } from './error-status';
import { MAX_BODY_BYTES } from './http-server';

/** The status, body and headers an error is answered with (before an admin route turns the body into a problem). */
type Answer = { status: number; body: ErrorResponse; headers: Record<string, string> };

/** Codes (and, where the framework's message says too little, descriptions) by status. */
const BY_STATUS: Record<number, [code: string, description?: string]> = {
  400: ['invalid_request'],
  401: ['invalid_token'],
  403: ['access_denied'],
  404: [HttpError.NotFound],
  405: [HttpError.MethodNotAllowed],
  413: [HttpError.PayloadTooLarge, `the request body exceeds ${MAX_BODY_BYTES} bytes`],
  415: [HttpError.UnsupportedMediaType, 'the request body must be application/json'],
  503: [HttpError.TemporarilyUnavailable],
};

/**
 * Every HTTP error leaves as `{ error, error_description }` (RFC 7591), or on an admin or audit route
 * as an RFC 9457 problem with the same code; a domain error by its code's row in ERROR_STATUS;
 * unexpected ones never leak internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest | undefined>();
    const { status, body, headers } = wrongMethod(exception, request) ?? errorAnswer(exception);
    if (status >= 500 && !known(exception)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (request?.url && answersProblems(request.url)) {
      void reply.status(status).headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE }).send(toProblem(status, body));
      return;
    }
    void reply.status(status).headers(headers).send(body);
  }
}

/** RFC 9457: `type` about:blank (the status is the kind of problem), the code in `code`; other members (revocation_id) stay. */
function toProblem(status: number, { error, error_description, ...members }: ErrorResponse): Record<string, unknown> {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: error_description, code: error, ...members };
}

/** A route that exists under other methods answers 405 with `Allow` (RFC 9110 §15.5.6), not 404. */
function wrongMethod(exception: unknown, request: FastifyRequest | undefined): Answer | undefined {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 404 || !request?.url) return undefined;
  const allowed = allowedMethods(request.url);
  if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
  return { status: 405, body: { error: HttpError.MethodNotAllowed, error_description: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}` }, headers: { allow: allowed.join(', ') } };
}

/** How an error is answered by its code's row in ERROR_STATUS, by its HttpException status, or as an internal error. */
export function errorAnswer(exception: unknown): Answer {
  const answer = known(exception);
  if (answer) {
    const { retryAfterS, members = {}, headers: own } = exception instanceof RequestError ? exception.details : {};
    const headers = { ...(retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) }), ...answer.headers?.(members), ...own };
    return { status: answer.status, body: { error: answer.as ?? (exception as CodedError).code, error_description: (exception as CodedError).message, ...members }, headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const [code, description] = BY_STATUS[status] ?? [status >= 500 ? HttpError.ServerError : 'invalid_request'];
    return { status, body: { error: code, error_description: description ?? exception.message }, headers: {} };
  }
  return { status: 500, body: { error: HttpError.ServerError, error_description: 'internal error' }, headers: {} };
}

/** The answer of a domain error: its code's row in the table, with the status a RequestError names itself where it does. */
function known(exception: unknown): ErrorAnswer | undefined {
  if (!(exception instanceof CodedError)) return undefined;
  const row = Object.hasOwn(ERROR_STATUS, exception.code) ? ERROR_STATUS[exception.code] : exception instanceof RequestError ? { status: 400 } : undefined;
  const status = exception instanceof RequestError ? exception.details.status : undefined;
  return status === undefined ? row : { status };
}
