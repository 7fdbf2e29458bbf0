import { NatsRpcClient } from '#nats';
import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EventsContract, ListNotificationsQuery, NotificationDto, NotificationPageDto, ReadAllResponseDto } from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first; `unread=true` for unread only. `unreadCount` counts every unread one" })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListNotificationsQuery): Promise<NotificationPageDto> {
    return this.nats.request(EventsContract.listNotifications, { unread: query.unread, limit: query.limit, cursor: query.cursor });
  }

  @Patch(':id/read')
  @ApiOperation({ summary: "Mark one of the caller's notifications read (idempotent: the first readAt stays); another user's or an unknown id: 404" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiErrors(400, 401, 404)
  markRead(@Param('id', new ParseUUIDPipe()) notificationId: string): Promise<NotificationDto> {
    return this.nats.request(EventsContract.markRead, { notificationId });
  }

  @Post('read-all')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Mark all of the caller's notifications read; `updated` is how many were unread" })
  @ApiOkResponse({ type: ReadAllResponseDto })
  @ApiErrors(401)
  readAll(): Promise<ReadAllResponseDto> {
    return this.nats.request(EventsContract.readAll, {});
  }
}
