import { describe, expect, it } from '@jest/globals';
import { isDependencyUnavailable } from './rpc-exception.filter.js';

describe('isDependencyUnavailable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['PostgreSQL shutting down (57P01) inside a TypeORM error', Object.assign(new Error('query failed'), { driverError: { code: '57P01', message: 'terminating connection due to administrator command' } })],
    ['a connection exception class (08006)', { code: '08006', message: 'connection failure' }],
    ['a dropped pg connection', new Error('Connection terminated unexpectedly')],
    ['no pool client free in time', new Error('timeout exceeded when trying to connect')],
    ['a pool client broken by a dropped connection', new Error('Client has encountered a connection error and is not queryable')],
    ['the database starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['MongoDB unreachable', Object.assign(new Error('server selection timed out'), { name: 'MongoServerSelectionError' })],
  ])('is true for %s', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'boom'],
  ])('is false for %s', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
