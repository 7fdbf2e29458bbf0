// ESLint rule: an event leaves its producer only through its contract.
// Every event has a runtime schema in libs/contracts (`defineEvent`); `contract.encode(event)`
// validates it and returns the message (`subject`, `json`) to publish or to write to an
// outbox. A `.publish()` that names an event subject itself (a `*_SUBJECT` constant, a
// `*EventSubject()` call, or a template on a `*_SUBJECT_PREFIX`) builds the body by hand, past
// the schema: the shape consumers would then dead-letter is found in production, not in CI.
// Outbox rows are typed (`OutboxMessage` only comes from `encode`), so the relay, which
// publishes stored rows by their `subject` column, needs no exception here.

const SUBJECT_NAME = /_SUBJECT(_PREFIX)?$|EventSubject$/;

/** The name an expression is known by: `X`, `a.X`, or the callee of `X(...)`. */
function nameOf(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.type === 'CallExpression') return nameOf(node.callee);
  return undefined;
}

function namesEventSubject(node) {
  if (node.type === 'TemplateLiteral') return node.expressions.some(namesEventSubject);
  const name = nameOf(node);
  return name !== undefined && SUBJECT_NAME.test(name);
}

/** @type {import('eslint').Rule.RuleModule} */
export const eventPublishRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Events are published from their contract’s encode(): no .publish() of an event subject with a hand-made body' },
    schema: [],
    messages: {
      raw: 'Publishing {{subject}} by hand skips the event schema: encode the event with its contract (e.g. `const message = TaskEventContract.encode(event)`) and publish `message.subject`, `message.json`.',
    },
  },
  create(context) {
    return {
      CallExpression(call) {
        const callee = call.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 'publish') return;
        const [subject] = call.arguments;
        if (subject && namesEventSubject(subject)) context.report({ node: subject, messageId: 'raw', data: { subject: context.sourceCode.getText(subject) } });
      },
    };
  },
};
