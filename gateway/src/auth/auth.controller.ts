import { NatsRpcClient } from '#nats';
import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_ENV } from '#config';
import {
  AccessTokenResponseDto,
  AuthContract,
  AuthResponseDto,
  ChangePasswordBody,
  ErrorCode,
  LoginRequest,
  RegisterRequest,
  RpcError,
  UserDto,
  type IssuedTokens,
} from '#contracts';
import type { GatewayEnv } from '../config/gateway.env.js';
import { LoginLimiter } from '../rate-limit/login-limiter.service.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { Public } from './auth.decorators.js';
import { clearedCookieOptions, REFRESH_COOKIE, refreshCookieOptions } from './refresh-cookie.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly secureCookies: boolean;

  constructor(
    private readonly nats: NatsRpcClient,
    private readonly loginLimiter: LoginLimiter,
    @Inject(APP_ENV) env: GatewayEnv,
  ) {
    this.secureCookies = env.NODE_ENV === 'production';
  }

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Create an account; sets the refresh_token cookie' })
  @ApiCreatedResponse({ type: AuthResponseDto })
  @ApiErrors(400, 409, 413)
  async register(@Body() body: RegisterRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthResponseDto> {
    const session = await this.nats.request(AuthContract.register, body);
    this.setRefreshCookie(reply, session);
    return { user: session.user, accessToken: session.accessToken };
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in; sets the refresh_token cookie. Limited to 5 failures per email and IP per 15 minutes.' })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors(400, 401)
  async login(@Body() body: LoginRequest, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthResponseDto> {
    // Counted before auth-service hashes anything, so parallel guesses cannot all slip through.
    const attempt = await this.loginLimiter.reserve(body.email, request.ip);
    let session;
    try {
      session = await this.nats.request(AuthContract.login, body);
    } catch (error) {
      // Only a wrong email or password keeps the slot spent: an outage must not lock users out.
      if (!(error instanceof RpcError && error.code === ErrorCode.UNAUTHORIZED)) await attempt.release();
      throw error;
    }
    await attempt.succeeded();
    this.setRefreshCookie(reply, session);
    return { user: session.user, accessToken: session.accessToken };
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({ summary: 'New access token from the refresh_token cookie; the cookie rotates' })
  @ApiOkResponse({ type: AccessTokenResponseDto })
  @ApiErrors(401)
  async refresh(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccessTokenResponseDto> {
    const refreshToken = request.cookies[REFRESH_COOKIE];
    try {
      if (!refreshToken) throw new UnauthorizedException('Missing refresh token');
      const tokens = await this.nats.request(AuthContract.refresh, { refreshToken });
      this.setRefreshCookie(reply, tokens);
      return { accessToken: tokens.accessToken };
    } catch (error) {
      // A dead refresh token is useless to the browser: drop it so the client stops presenting it.
      if (error instanceof UnauthorizedException || (error instanceof RpcError && error.code === ErrorCode.UNAUTHORIZED)) this.clearRefreshCookie(reply);
      throw error;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({ summary: 'Revoke the session of the refresh_token cookie (if any) and clear it' })
  @ApiNoContentResponse()
  @ApiErrors()
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const refreshToken = request.cookies[REFRESH_COOKIE];
    if (refreshToken) {
      try {
        await this.nats.request(AuthContract.logout, { refreshToken });
      } catch (error) {
        // Logging out with an already dead token is still a successful logout; an outage is not.
        const alreadyGone = error instanceof RpcError && ([ErrorCode.UNAUTHORIZED, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION] as string[]).includes(error.code);
        if (!alreadyGone) throw error;
      }
    }
    this.clearRefreshCookie(reply);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke every session of the caller' })
  @ApiNoContentResponse()
  @ApiErrors(401)
  async logoutAll(@Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.nats.request(AuthContract.logoutAll, {});
    this.clearRefreshCookie(reply);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Change the caller's password; their other sessions are revoked" })
  @ApiNoContentResponse()
  @ApiErrors(400, 401)
  async changePassword(@Body() body: ChangePasswordBody): Promise<void> {
    await this.nats.request(AuthContract.changePassword, { currentPassword: body.currentPassword, newPassword: body.newPassword });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(401)
  me(): Promise<UserDto> {
    return this.nats.request(AuthContract.me, {});
  }

  private setRefreshCookie(reply: FastifyReply, tokens: IssuedTokens): void {
    void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, refreshCookieOptions(tokens.refreshExpiresAt, this.secureCookies));
  }

  private clearRefreshCookie(reply: FastifyReply): void {
    void reply.setCookie(REFRESH_COOKIE, '', clearedCookieOptions(this.secureCookies));
  }
}
