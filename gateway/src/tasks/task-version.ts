import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/** `"3"`, `3` or `W/"3"`: the task version as an entity tag, as sent back in ETag (`"3"`). */
const IF_MATCH = /^(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))$/;

/** The ETag of a task: its version, quoted. */
export const taskEtag = (version: number): string => `"${version}"`;

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
