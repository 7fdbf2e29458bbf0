import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ActorRequest,
  AuthContract,
  ChangePasswordRequest,
  LoginRequest,
  LogoutRequest,
  MeRequest,
  RefreshRequest,
  RegisterRequest,
} from '#contracts';
import { AuthService } from './auth.service.js';

@Controller()
export class AuthHandler {
  constructor(private readonly auth: AuthService) {}

  @MessagePattern(AuthContract.register.subject)
  register(@Payload() request: RegisterRequest) {
    return this.auth.register(request);
  }

  @MessagePattern(AuthContract.login.subject)
  login(@Payload() request: LoginRequest) {
    return this.auth.login(request);
  }

  @MessagePattern(AuthContract.refresh.subject)
  refresh(@Payload() request: RefreshRequest) {
    return this.auth.refresh(request.refreshToken);
  }

  @MessagePattern(AuthContract.logout.subject)
  logout(@Payload() request: LogoutRequest) {
    return this.auth.logout(request.refreshToken);
  }

  @MessagePattern(AuthContract.logoutAll.subject)
  logoutAll(@Payload() request: ActorRequest) {
    return this.auth.logoutAll(request.actor);
  }

  @MessagePattern(AuthContract.changePassword.subject)
  changePassword(@Payload() request: ChangePasswordRequest) {
    return this.auth.changePassword(request);
  }

  @MessagePattern(AuthContract.me.subject)
  me(@Payload() request: MeRequest) {
    return this.auth.me(request.actor);
  }
}
