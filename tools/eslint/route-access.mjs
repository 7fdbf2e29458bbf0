// ESLint rule: every HTTP route of the gateway states who may call it.
// The gateway authenticates every route through its global AccessTokenGuard unless the route
// (or its controller) carries @Public(). A route that says neither @Public() nor
// @ApiBearerAuth() leaves a reader (and the OpenAPI document) guessing, and a @Public()
// added to a controller silently opens every route in it; so each route must carry exactly
// one of the two, on itself or on its class. That the guard really is global is checked by
// gateway/src/auth/global-guards.spec.ts.


const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Head', 'Options', 'Search']);
const PUBLIC = 'Public';
const AUTHENTICATED = 'ApiBearerAuth';

/** The called name of each decorator, e.g. `@Get(':id')` gives 'Get'. */
function decoratorNames(node) {
  return (node.decorators ?? []).map((decorator) => {
    const expression = decorator.expression.type === 'CallExpression' ? decorator.expression.callee : decorator.expression;
    return expression.type === 'Identifier' ? expression.name : undefined;
  });
}

/** @type {import('eslint').Rule.RuleModule} */
export const routeAccessRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Every gateway route is marked @Public() or @ApiBearerAuth() (token required), on the method or its controller' },
    schema: [],
    messages: {
      undeclared: 'Route {{name}} declares no access: add @ApiBearerAuth() (a token is required, the global AccessTokenGuard checks it) or @Public() (anyone may call it).',
      both: 'Route {{name}} is marked both @Public() and @ApiBearerAuth(): it is public, so the token requirement is a lie.',
    },
  },
  create(context) {
    return {
      'ClassDeclaration MethodDefinition'(method) {
        const names = decoratorNames(method);
        if (!names.some((name) => ROUTE_DECORATORS.has(name))) return;
        const classNames = decoratorNames(method.parent.parent);
        if (!classNames.includes('Controller')) return;
        const all = [...names, ...classNames];
        const name = method.key.type === 'Identifier' ? method.key.name : 'handler';
        const isPublic = all.includes(PUBLIC);
        const isAuthenticated = all.includes(AUTHENTICATED);
        if (!isPublic && !isAuthenticated) context.report({ node: method.key, messageId: 'undeclared', data: { name } });
        else if (isPublic && isAuthenticated) context.report({ node: method.key, messageId: 'both', data: { name } });
      },
    };
  },
};
