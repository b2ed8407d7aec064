import { HttpException } from '@nestjs/common';
import { ErrorResponse } from '@admit/contracts';

/**
 * An HTTP error in the RFC 7591 shape: `{ error, error_description }` with a stable code. For the HTTP
 * layer only (guards, body checks, the gateway's answers), whose status and challenge are HTTP's own;
 * services throw a RequestError, answered by ERROR_STATUS.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: code, error_description: description } satisfies ErrorResponse, status);
  }
}
