import { RevocationError } from '@admit/contracts';
import { ApiError } from '@admit/platform';

/** An ApiError whose body also names the revocation concerned (`revocation_id`). */
export class RevocationApiError extends ApiError {
  constructor(
    status: number,
    code: RevocationError,
    description: string,
    private readonly revocationId: string,
    headers: Record<string, string> = {},
  ) {
    super(status, code, description, headers);
  }

  override getResponse(): object {
    return { ...(super.getResponse() as object), revocation_id: this.revocationId };
  }
}
