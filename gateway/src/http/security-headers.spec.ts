import { describe, expect, it } from '@jest/globals';
import { securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  it("captures helmet's headers for the options once, CSP included", () => {
    const headers = securityHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(Object.isFrozen(headers)).toBe(true);
  });
});
