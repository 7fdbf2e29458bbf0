import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthContract, ChangePasswordBody, LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, type Actor } from '#contracts';
import { Caller, Handles, ServiceCall } from '#nats';
import { AuthService } from './auth.service.js';

@Controller()
export class AuthHandler {
  constructor(private readonly auth: AuthService) {}

  /** Signing up and in precede any access token: NATS permissions alone admit the gateway here. */
  @ServiceCall()
  @Handles(AuthContract.register)
  register(@Payload() request: RegisterRequest) {
    return this.auth.register(request);
  }

  @ServiceCall()
  @Handles(AuthContract.login)
  login(@Payload() request: LoginRequest) {
    return this.auth.login(request);
  }

  /** The refresh token (checked by the service) is the credential here. */
  @ServiceCall()
  @Handles(AuthContract.refresh)
  refresh(@Payload() request: RefreshRequest) {
    return this.auth.refresh(request.refreshToken);
  }

  @ServiceCall()
  @Handles(AuthContract.logout)
  logout(@Payload() request: LogoutRequest) {
    return this.auth.logout(request.refreshToken);
  }

  @Handles(AuthContract.logoutAll)
  logoutAll(@Caller() actor: Actor) {
    return this.auth.logoutAll(actor);
  }

  @Handles(AuthContract.changePassword)
  changePassword(@Payload() request: ChangePasswordBody, @Caller() actor: Actor) {
    return this.auth.changePassword(actor, request);
  }

  @Handles(AuthContract.me)
  me(@Caller() actor: Actor) {
    return this.auth.me(actor);
  }
}
