import { NatsRpcClient } from '#nats';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventLogPageDto, EventsContract, ListEventsQuery } from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Get()
  @ApiOperation({
    summary: 'The event log (task and auth events), newest first, filtered and paged by cursor',
    description:
      'Admins see every event; members see the events of tasks they own or are assigned to (as of the event) and auth events about themselves. ' +
      '`type` may be repeated or comma-separated; `from` is inclusive, `to` exclusive (ISO 8601).',
  })
  @ApiOkResponse({ type: EventLogPageDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListEventsQuery): Promise<EventLogPageDto> {
    // Only validated fields are forwarded; events-service applies the caller's visibility (from the token).
    const { type, taskId, actorId, from, to, limit, cursor } = query;
    return this.nats.request(EventsContract.list, { type, taskId, actorId, from, to, limit, cursor });
  }
}
