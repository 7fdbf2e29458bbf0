import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RpcError } from '#contracts';
import { conflictCurrent } from './error-body.js';

/** `"3"`, `3` or `W/"3"`: the version of a task or project as an entity tag, as sent back in ETag (`"3"`). */
const IF_MATCH = /^(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))$/;

/** The ETag of a task or project: its version, quoted. */
export const versionEtag = (version: number): string => `"${version}"`;

/** Answers with the entity and its version as ETag. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, entity: T): T {
  void reply.header('ETag', versionEtag(entity.version));
  return entity;
}

/**
 * A versioned change: its answer carries the ETag; so does a 409, whose body carries the
 * entity as it is now, for clients that only read headers.
 */
export async function versionedChange<T extends { version: number }>(reply: FastifyReply, change: Promise<T>): Promise<T> {
  try {
    return withEtag(reply, await change);
  } catch (error) {
    const current = error instanceof RpcError ? (conflictCurrent(error) as { version?: unknown } | undefined) : undefined;
    if (typeof current?.version === 'number') void reply.header('ETag', versionEtag(current.version));
    throw error;
  }
}

/** 428: a PATCH must say which version it was made against. */
export class PreconditionRequiredError extends HttpException {
  constructor() {
    super('The version last read is required: send it as `version` in the body or as an If-Match header', HttpStatus.PRECONDITION_REQUIRED);
  }
}

/** The version in an If-Match header, or undefined without one; 400 for anything else (`*`, lists, garbage). */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = IF_MATCH.exec(value.trim());
  const version = match ? Number(match[1] ?? match[2]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new BadRequestException('If-Match must be one task version, e.g. "3" (as sent in ETag)');
  }
  return version;
}

/**
 * The version a PATCH is made against: the body's `version` or If-Match. Both may be sent
 * if they agree; different values are 400; neither is 428 Precondition Required.
 */
export function resolveVersion(bodyVersion: number | undefined, ifMatch: string | string[] | undefined): number {
  const headerVersion = parseIfMatch(ifMatch);
  if (bodyVersion !== undefined && headerVersion !== undefined && bodyVersion !== headerVersion) {
    throw new BadRequestException(`version ${bodyVersion} in the body and If-Match ${headerVersion} disagree`);
  }
  const version = bodyVersion ?? headerVersion;
  if (version === undefined) throw new PreconditionRequiredError();
  return version;
}
