import { applyIsOptionalDecorator, inheritPropertyInitializers, inheritTransformationMetadata, inheritValidationMetadata } from '@nestjs/mapped-types';
import type * as Swagger from '@nestjs/swagger';

/*
 * The OpenAPI metadata of the contract classes is recorded here, not applied: only the gateway
 * serves an OpenAPI document, and @nestjs/swagger (with es-toolkit and js-yaml, which it loads)
 * cost each of the other four services ~4 MB of live heap and ~8 MB of RSS at idle
 * (bench/README.md, "Idle memory"). The gateway replays the record through the real
 * @nestjs/swagger before it builds its document (applyOpenApiMetadata), in the order the
 * decorators ran, so the document is the one the decorators would have made directly.
 * Validation is never deferred: PartialType and PickType below do it at once, as
 * @nestjs/swagger's helpers of the same names do.
 */

/** A class: @nestjs/common's `Type`, which contracts do not import. */
type Type<T> = new (...args: never[]) => T;

type SwaggerApi = Pick<typeof Swagger, 'ApiProperty' | 'ApiPropertyOptional' | 'PartialType' | 'PickType' | 'DECORATORS'>;

type Recorded =
  | {
      kind: 'property';
      decorator: 'ApiProperty' | 'ApiPropertyOptional';
      options: Swagger.ApiPropertyOptions | undefined;
      target: object;
      key: string | symbol;
    }
  | { kind: 'partial'; source: Type<unknown>; mapped: Type<unknown> }
  | { kind: 'pick'; source: Type<unknown>; keys: readonly PropertyKey[]; mapped: Type<unknown> };

const recorded: Recorded[] = [];
/** How many records this process has applied already: a second gateway app (tests, one-process mode) applies only what came since. */
let applied = 0;

/** `@ApiProperty()` of @nestjs/swagger, applied when the gateway builds its document. */
export function ApiProperty(options?: Swagger.ApiPropertyOptions): PropertyDecorator {
  return (target, key) => void recorded.push({ kind: 'property', decorator: 'ApiProperty', options, target, key });
}

/** `@ApiPropertyOptional()` of @nestjs/swagger, applied when the gateway builds its document. */
export function ApiPropertyOptional(options?: Swagger.ApiPropertyOptions): PropertyDecorator {
  return (target, key) => void recorded.push({ kind: 'property', decorator: 'ApiPropertyOptional', options, target, key });
}

/** The name @nestjs/swagger gives a mapped class (`PickSetMemberRequestProjectIdUserId`). */
function nameMappedClass(mapped: Type<unknown>, prefix: string, source: Type<unknown>, keys: readonly PropertyKey[] = []): void {
  const suffix = keys.map((key) => String(key).replace(/[^A-Za-z0-9_$]/g, '_')).map((key) => key.charAt(0).toUpperCase() + key.slice(1));
  Object.defineProperty(mapped, 'name', { value: `${prefix}${source.name || 'Anonymous'}${suffix.join('')}` });
}

/**
 * Every property of `classRef`, each optional: validation as @nestjs/swagger's PartialType
 * (one `@IsOptional()` per validated property, validation and transformation inherited),
 * OpenAPI metadata (each property `required: false`) when the gateway builds its document.
 */
export function PartialType<T>(classRef: Type<T>): Type<Partial<T>> {
  class PartialTypeClass {
    constructor() {
      inheritPropertyInitializers(this, classRef);
    }
  }
  nameMappedClass(PartialTypeClass, 'Partial', classRef);
  const validated = inheritValidationMetadata(classRef, PartialTypeClass) ?? [];
  inheritTransformationMetadata(classRef, PartialTypeClass);
  for (const key of new Set(validated)) applyIsOptionalDecorator(PartialTypeClass, key);
  recorded.push({ kind: 'partial', source: classRef, mapped: PartialTypeClass });
  return PartialTypeClass as Type<Partial<T>>;
}

/** The properties `keys` of `classRef`, validated and transformed as there; as @nestjs/swagger's PickType. */
export function PickType<T, K extends keyof T>(classRef: Type<T>, keys: readonly K[]): Type<Pick<T, K>> {
  const picked = (key: string) => (keys as readonly PropertyKey[]).includes(key);
  class PickTypeClass {
    constructor() {
      inheritPropertyInitializers(this, classRef, picked);
    }
  }
  nameMappedClass(PickTypeClass, 'Pick', classRef, keys);
  inheritValidationMetadata(classRef, PickTypeClass, picked);
  inheritTransformationMetadata(classRef, PickTypeClass, picked);
  recorded.push({ kind: 'pick', source: classRef, keys, mapped: PickTypeClass });
  return PickTypeClass as Type<Pick<T, K>>;
}

/** The OpenAPI metadata @nestjs/swagger's mapped type `from` got, given to ours (`to`): the property list and each property's. */
function copyModelProperties(swagger: SwaggerApi, from: object, to: object): void {
  const { API_MODEL_PROPERTIES, API_MODEL_PROPERTIES_ARRAY } = swagger.DECORATORS;
  const properties = (Reflect.getOwnMetadata(API_MODEL_PROPERTIES_ARRAY, from) ?? []) as string[];
  Reflect.defineMetadata(API_MODEL_PROPERTIES_ARRAY, properties, to);
  for (const property of properties) {
    const key = property.slice(1);
    Reflect.defineMetadata(API_MODEL_PROPERTIES, Reflect.getOwnMetadata(API_MODEL_PROPERTIES, from, key), to, key);
  }
}

/**
 * Gives the contract classes their OpenAPI metadata through `swagger` (the gateway's
 * @nestjs/swagger), in the order it was recorded. Call it before building the document; a
 * second call applies only what was recorded since the first.
 */
export function applyOpenApiMetadata(swagger: SwaggerApi): void {
  for (; applied < recorded.length; applied++) {
    const entry = recorded[applied]!;
    switch (entry.kind) {
      case 'property':
        swagger[entry.decorator](entry.options)(entry.target, entry.key);
        break;
      case 'partial':
        copyModelProperties(swagger, swagger.PartialType(entry.source).prototype, entry.mapped.prototype);
        break;
      case 'pick':
        copyModelProperties(swagger, swagger.PickType(entry.source, entry.keys as never[]).prototype, entry.mapped.prototype);
        break;
    }
  }
}
