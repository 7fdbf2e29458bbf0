import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { PipeTransform } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA } from '@nestjs/common/constants.js';
import { Payload } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import ts from 'typescript';
import { AuthContract, CreateTaskRequest, TaskRequest, TasksContract, type Actor, type TaskDto, type UserDto } from '#contracts';
import { RpcMetricsInterceptor } from '#health';
import { Caller, CallerGuard } from './caller.js';
import { Handles } from './handles.js';
import { NatsRequestContextInterceptor } from './request-context.interceptor.js';
import { RpcErrorFilter } from './rpc-exception.filter.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const task = {} as TaskDto;
const user = {} as UserDto;

/**
 * The compiler's side of @Handles: each `@ts-expect-error` marks a handler that must not
 * compile. The last test compiles this file; an expected error that does not occur is itself
 * an error there ("Unused '@ts-expect-error' directive"), as is any other.
 */
class Handlers {
  @Handles(TasksContract.get)
  get(@Payload() request: TaskRequest, @Caller() actor: Actor): Promise<TaskDto> {
    return Promise.resolve({ ...task, id: request.taskId, ownerId: actor.id });
  }

  // @ts-expect-error the payload is not the contract's request
  @Handles(TasksContract.get)
  wrongPayload(@Payload() request: CreateTaskRequest): TaskDto {
    return { ...task, title: request.title };
  }

  // @ts-expect-error the answer is not the contract's response
  @Handles(TasksContract.get)
  wrongAnswer(@Payload() request: TaskRequest): Promise<UserDto> {
    return Promise.resolve({ ...user, id: request.taskId });
  }

  // @ts-expect-error tasks.delete answers null, not the task
  @Handles(TasksContract.delete)
  deleteAnsweringTask(@Payload() request: TaskRequest): TaskDto {
    return { ...task, id: request.taskId };
  }

  // @ts-expect-error a request with fields must be the first parameter, not left unread
  @Handles(TasksContract.get)
  callerOnly(@Caller() actor: Actor): TaskDto {
    return { ...task, ownerId: actor.id };
  }

  /** A request with no field may go unread. */
  @Handles(AuthContract.me)
  me(@Caller() actor: Actor): UserDto {
    return { ...user, id: actor.id };
  }
}

const handler = (name: keyof Handlers) => Handlers.prototype[name] as object;
const payloadPipe = () => (Reflect.getMetadata(PIPES_METADATA, handler('get')) as PipeTransform[])[0];
const asPayload = { type: 'body', metatype: Object } as const;

describe('@Handles(contract)', () => {
  it("subscribes the handler to the contract's subject", () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, handler('get'))).toEqual([TasksContract.get.subject]);
    expect(Reflect.getMetadata(PATTERN_METADATA, handler('me'))).toEqual([AuthContract.me.subject]);
  });

  it('brings the caller guard, the error filter and the request-context and metrics interceptors, request context outermost', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, handler('get'))).toEqual([CallerGuard]);
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, handler('get'))).toEqual([RpcErrorFilter]);
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, handler('get'))).toEqual([NatsRequestContextInterceptor, RpcMetricsInterceptor]);
  });

  it("validates the payload as the contract's request class, whatever the parameter says", async () => {
    const valid = { taskId: '5f1c0c1e-3a3b-4c1e-9a57-0b7c9b1f3f1a' };
    await expect(payloadPipe().transform(valid, asPayload)).resolves.toBeInstanceOf(TaskRequest);
    await expect(payloadPipe().transform({ taskId: 'nope' }, asPayload)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(payloadPipe().transform({ ...valid, actor: { id: 'x' } }, asPayload)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('leaves the other parameters (@Caller(), @Ctx()) alone', async () => {
    const actor = { id: 'not a uuid', role: 'member' };
    expect(await payloadPipe().transform(actor, { type: 'custom', metatype: Object })).toBe(actor);
  });

  it('makes the compiler check the request and the response of each handler (the @ts-expect-error lines above)', () => {
    const root = resolve(dirname(THIS_FILE), '../../..');
    const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const program = ts.createProgram([THIS_FILE], { ...config!.options, noEmit: true, incremental: false });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 60000);
});
