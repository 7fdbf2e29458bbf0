import { Injectable } from '@nestjs/common';
import { AuthContract, type UserSummaryDto } from '#contracts';
import { NatsRpcClient } from '#nats';

/** Users live in auth-service; tasks-service only asks whether an id is one. */
@Injectable()
export class UsersClient {
  constructor(private readonly nats: NatsRpcClient) {}

  /** The users among these ids (at most 100), for names and emails. */
  find(userIds: string[]): Promise<UserSummaryDto[]> {
    return this.nats.request(AuthContract.findUsers, { ids: userIds });
  }

  /** The admins among these ids (at most 100): they see every task. */
  async adminsAmong(userIds: string[]): Promise<string[]> {
    const admins = await this.nats.request(AuthContract.findUsers, { ids: userIds, role: 'admin' });
    return admins.map((user) => user.id);
  }

  async exists(userId: string): Promise<boolean> {
    const found = await this.nats.request(AuthContract.findUsers, { ids: [userId] });
    return found.some((user) => user.id === userId);
  }
}
