// What a PromQL expression refers to, from Prometheus' own grammar
// (@prometheus-io/lezer-promql, the parser of Prometheus' web UI). Reads a
// JSON array of expressions on stdin; writes a JSON array with, for each:
//   error       set when the expression does not parse (the offending text)
//   selectors   the text of every vector selector (metric{matchers})
//   groupings   [{labels, inner}] for every `by (...)` aggregation: the
//               labels it groups by and the text of the expression it
//               aggregates (those labels must exist on that expression's
//               result)
//   value       the expression without its trailing threshold comparisons
//               and set operators (`A > 100 and B` -> A): the series whose
//               labels an alert's annotations or a panel's legend can name
// Used by tests/e2e/monitoring_check.py; NODE_PATH must reach the package.
const { parser } = require('@prometheus-io/lezer-promql');
const { readFileSync } = require('node:fs');

const COMPARISONS = new Set(['Gtr', 'Lss', 'Gte', 'Lte', 'Eql', 'Neq']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);

function children(node) {
    const out = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
}

// The left operand while the top is `X op N` (a comparison with a number)
// or `X and|or|unless Y`.
function valueNode(node) {
    for (;;) {
        if (node.name === 'PromQL' || node.name === 'ParenExpr') {
            const inner = children(node).filter((c) => c.name !== '(' && c.name !== ')');
            if (inner.length !== 1) return node;
            node = inner[0];
            continue;
        }
        if (node.name !== 'BinaryExpr') return node;
        const parts = children(node);
        const op = parts.find((c) => COMPARISONS.has(c.name) || SET_OPS.has(c.name));
        const right = parts[parts.length - 1];
        if (!op) return node;
        if (COMPARISONS.has(op.name) && right.name !== 'NumberDurationLiteral') return node;
        node = parts[0];
    }
}

function analyse(expr) {
    const tree = parser.parse(expr);
    const text = (n) => expr.slice(n.from, n.to);
    const result = { selectors: [], groupings: [] };
    let error = null;
    tree.iterate({
        enter(ref) {
            if (ref.type.isError && error === null)
                error = `syntax error at ${ref.from}: '${expr.slice(Math.max(0, ref.from - 10), ref.to + 10)}'`;
            if (ref.name === 'VectorSelector') result.selectors.push(text(ref.node));
            if (ref.name === 'AggregateExpr') {
                const node = ref.node;
                const mod = node.getChild('AggregateModifier');
                if (!mod || !mod.getChild('By')) return;
                const labels = mod
                    .getChild('GroupingLabels')
                    .getChildren('LabelName')
                    .map((l) => text(l));
                const body = node.getChild('FunctionCallBody');
                const args = children(body).filter((c) => !['(', ')', ','].includes(c.name));
                result.groupings.push({ labels, inner: text(args[args.length - 1]) });
            }
        },
    });
    if (error) return { error };
    result.value = text(valueNode(tree.topNode));
    return result;
}

const exprs = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(exprs.map(analyse)) + '\n');
