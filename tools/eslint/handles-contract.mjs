// ESLint rule: every NATS handler is bound to its request contract with @Handles(contract)
// (libs/nats). @Handles is what validates the payload as the contract's request class, checks
// the caller's token, answers errors as {code, message} and carries the request id and
// deadline; nothing is registered app-wide, so a bare @MessagePattern (or @EventPattern) would
// serve requests without any of it, and its payload and answer would go unchecked by the compiler.

const BARE = new Set(['MessagePattern', 'EventPattern']);

/** @type {import('eslint').Rule.RuleModule} */
export const handlesContractRule = {
  meta: {
    type: 'problem',
    docs: { description: 'NATS handlers use @Handles(contract), never a bare @MessagePattern or @EventPattern' },
    schema: [],
    messages: {
      bare: '@{{decorator}} on {{name}}: use @Handles(<Contract>.<request>) from #nats, which brings validation, the caller guard, the error filter and the request context.',
    },
  },
  create(context) {
    return {
      'MethodDefinition > Decorator'(decorator) {
        const callee = decorator.expression.type === 'CallExpression' ? decorator.expression.callee : decorator.expression;
        if (callee.type !== 'Identifier' || !BARE.has(callee.name)) return;
        const method = decorator.parent;
        const name = method.key.type === 'Identifier' ? method.key.name : 'handler';
        context.report({ node: decorator, messageId: 'bare', data: { decorator: callee.name, name } });
      },
    };
  },
};
