import { Controller, Get, HttpCode, Optional } from '@nestjs/common';
import { BusServer, TopicFollower } from '@admit/bus';
import { DataSource } from 'typeorm';
import { ApiError } from './http/api-error';

@Controller('health')
export class HealthController {
  constructor(
    private readonly bus: BusServer,
    private readonly follower: TopicFollower,
    @Optional() private readonly db?: DataSource,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency this process uses is ready; otherwise 503 naming what is missing. */
  @Get('ready')
  @HttpCode(200)
  ready(): { status: 'ready' } {
    const missing = [
      ...(this.bus.isReady() ? [] : ['bus']),
      ...this.follower.pending(),
      ...(this.db && !this.db.isInitialized ? ['database'] : []),
    ];
    if (missing.length > 0) throw new ApiError(503, 'not_ready', `waiting for: ${missing.join(', ')}`);
    return { status: 'ready' };
  }
}
