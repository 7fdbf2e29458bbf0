import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthContract, ChangePasswordBody, LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, type Actor } from '#contracts';
import { Caller, ServiceCall } from '#nats';
import { AuthService } from './auth.service.js';

@Controller()
export class AuthHandler {
  constructor(private readonly auth: AuthService) {}

  /** Signing up and in precede any access token: NATS permissions alone admit the gateway here. */
  @ServiceCall()
  @MessagePattern(AuthContract.register.subject)
  register(@Payload() request: RegisterRequest) {
    return this.auth.register(request);
  }

  @ServiceCall()
  @MessagePattern(AuthContract.login.subject)
  login(@Payload() request: LoginRequest) {
    return this.auth.login(request);
  }

  /** The refresh token (checked by the service) is the credential here. */
  @ServiceCall()
  @MessagePattern(AuthContract.refresh.subject)
  refresh(@Payload() request: RefreshRequest) {
    return this.auth.refresh(request.refreshToken);
  }

  @ServiceCall()
  @MessagePattern(AuthContract.logout.subject)
  logout(@Payload() request: LogoutRequest) {
    return this.auth.logout(request.refreshToken);
  }

  @MessagePattern(AuthContract.logoutAll.subject)
  logoutAll(@Caller() actor: Actor) {
    return this.auth.logoutAll(actor);
  }

  @MessagePattern(AuthContract.changePassword.subject)
  changePassword(@Caller() actor: Actor, @Payload() request: ChangePasswordBody) {
    return this.auth.changePassword(actor, request);
  }

  @MessagePattern(AuthContract.me.subject)
  me(@Caller() actor: Actor) {
    return this.auth.me(actor);
  }
}
