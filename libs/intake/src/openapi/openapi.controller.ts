import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from '@admit/contracts';

/** The OpenAPI 3.1 document of Admit's HTTP API, as libs/contracts/generated/openapi.json holds it. */
@Controller()
export class OpenApiController {
  private readonly document = openApiDocument();

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }
}
