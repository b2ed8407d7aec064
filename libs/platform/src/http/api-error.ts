import { HttpException } from '@nestjs/common';
import { ErrorResponse } from '@admit/contracts';

/** An HTTP error in the RFC 7591 shape: `{ error, error_description }` with a stable code. */
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
