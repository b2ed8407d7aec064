import { Controller, Get, Header, Inject } from '@nestjs/common';
import { AdmitMetrics } from './admit-metrics';

/** `GET /metrics`: this process's series in the Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(AdmitMetrics) private readonly metrics: AdmitMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
