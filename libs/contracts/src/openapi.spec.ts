import { describe, expect, it } from '@jest/globals';
import * as swagger from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, Length, Min, validateSync } from 'class-validator';
import { ApiProperty, ApiPropertyOptional, applyOpenApiMetadata, PartialType, PickType } from './openapi.js';

// The contract classes' OpenAPI metadata is recorded and applied later by the gateway. What the
// gateway's document sees must be what @nestjs/swagger's own decorators and helpers give, and
// validation must not change at all: each case below is built twice, once with @nestjs/swagger
// directly and once through ./openapi.js, and compared.

const { API_MODEL_PROPERTIES, API_MODEL_PROPERTIES_ARRAY } = swagger.DECORATORS;

/** The OpenAPI metadata of a model as the document reads it (inherited properties included). */
function modelOf(type: new () => object): Record<string, unknown> {
  const keys = ((Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, type.prototype) ?? []) as string[]).map((key) => key.slice(1));
  return Object.fromEntries(keys.map((key) => [key, Reflect.getMetadata(API_MODEL_PROPERTIES, type.prototype, key)]));
}

/** class-validator's rules for a class, without the class itself, duplicates once. */
function rulesOf(type: new () => object): string[] {
  const rules = getMetadataStorage()
    .getTargetValidationMetadatas(type, '', true, false)
    .map(({ propertyName, name, type: kind, constraints }) => JSON.stringify({ propertyName, name, kind, constraints: String(constraints) }));
  return [...new Set(rules)].sort();
}

const STATUSES = ['todo', 'done'] as const;

function direct() {
  class Body {
    @swagger.ApiProperty({ minLength: 1, maxLength: 20 }) @IsString() @Length(1, 20) title!: string;
    @swagger.ApiPropertyOptional({ enum: STATUSES, default: 'todo' }) @IsOptional() @IsIn(STATUSES) status?: string;
    @swagger.ApiProperty({ type: [String], format: 'uuid' }) @IsString({ each: true }) ids!: string[];
  }
  class Changes extends swagger.PartialType(Body) {}
  class Update extends Changes {
    @swagger.ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) version?: number;
  }
  class Picked extends swagger.PickType(Body, ['title', 'ids'] as const) {}
  return { Body, Changes, Update, Picked };
}

function recorded() {
  class Body {
    @ApiProperty({ minLength: 1, maxLength: 20 }) @IsString() @Length(1, 20) title!: string;
    @ApiPropertyOptional({ enum: STATUSES, default: 'todo' }) @IsOptional() @IsIn(STATUSES) status?: string;
    @ApiProperty({ type: [String], format: 'uuid' }) @IsString({ each: true }) ids!: string[];
  }
  class Changes extends PartialType(Body) {}
  class Update extends Changes {
    @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) version?: number;
  }
  class Picked extends PickType(Body, ['title', 'ids'] as const) {}
  return { Body, Changes, Update, Picked };
}

describe('OpenAPI metadata recorded by the contracts', () => {
  it('is nothing until applied, then what the @nestjs/swagger decorators and mapped types give', () => {
    const expected = direct();
    const actual = recorded();
    expect(modelOf(actual.Update)).toEqual({});
    applyOpenApiMetadata(swagger);
    for (const name of ['Body', 'Changes', 'Update', 'Picked'] as const) expect([name, modelOf(actual[name])]).toEqual([name, modelOf(expected[name])]);
    expect(Object.keys(modelOf(actual.Update))).toEqual(['title', 'status', 'ids', 'version']);
    expect(Object.values(modelOf(actual.Changes)).map((property) => (property as { required: boolean }).required)).toEqual([false, false, false]);
  });

  it('is applied once: a second call adds only what was recorded since', () => {
    const first = recorded();
    applyOpenApiMetadata(swagger);
    const before = modelOf(first.Update);
    const second = recorded();
    applyOpenApiMetadata(swagger);
    expect(modelOf(first.Update)).toEqual(before);
    expect(modelOf(second.Update)).toEqual(modelOf(direct().Update));
  });
});

describe('PartialType and PickType', () => {
  it("validate as @nestjs/swagger's, under the same class names", () => {
    const expected = direct();
    const actual = recorded();
    for (const name of ['Changes', 'Update', 'Picked'] as const) {
      expect([name, rulesOf(actual[name])]).toEqual([name, rulesOf(expected[name])]);
      expect(Object.getPrototypeOf(actual[name]).name).toBe(Object.getPrototypeOf(expected[name]).name);
    }
    const errors = (type: new () => object, plain: object) => validateSync(plainToInstance(type, plain)).map((error) => error.property);
    for (const plain of [{}, { title: '' }, { status: 'x', version: 0 }, { ids: [1] }, { title: 'ok', ids: ['a'] }]) {
      expect(errors(actual.Update, plain)).toEqual(errors(expected.Update, plain));
      expect(errors(actual.Picked, plain)).toEqual(errors(expected.Picked, plain));
    }
  });
});
