import { Injectable } from '@nestjs/common';
import { AuthContract } from '#contracts';
import { NatsRpcClient } from '#nats';

/** Users live in auth-service; tasks-service only asks whether an id is one. */
@Injectable()
export class UsersClient {
  constructor(private readonly nats: NatsRpcClient) {}

  async exists(userId: string): Promise<boolean> {
    const found = await this.nats.request(AuthContract.findUsers, { ids: [userId] });
    return found.some((user) => user.id === userId);
  }
}
