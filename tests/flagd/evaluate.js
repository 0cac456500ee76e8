// Evaluates one flag of flagd definitions with flagd's own evaluator (@openfeature/flagd-core), for
// targeting keys user-0 … user-(N-1), and prints which variant each key got as one JSON object:
//   node evaluate.js DEFINITION.json FLAG N
//   {"variants": {"classic": 9503, "personalized": 497}, "keys": {"personalized": ["user-7", …]}}
// The keys of every variant but the largest are listed, for stickiness checks between two weights.
'use strict';

const fs = require('fs');
const { FlagdCore } = require('@openfeature/flagd-core');

const [definitionFile, flagKey, countText] = process.argv.slice(2);
const count = Number.parseInt(countText, 10);
if (!definitionFile || !flagKey || !(count > 0)) {
    process.stderr.write('usage: node evaluate.js DEFINITION.json FLAG N\n');
    process.exit(2);
}

const core = new FlagdCore();
core.setConfigurations(fs.readFileSync(definitionFile, 'utf8'));

const variants = {};
const keys = {};
for (let i = 0; i < count; ++i) {
    const targetingKey = `user-${i}`;
    const resolution = core.resolveStringEvaluation(flagKey, '', { targetingKey, userId: targetingKey });
    const variant = resolution.variant ?? `(${resolution.reason})`;
    variants[variant] = (variants[variant] ?? 0) + 1;
    (keys[variant] ??= []).push(targetingKey);
}
const largest = Object.keys(variants).reduce((a, b) => (variants[a] >= variants[b] ? a : b));
delete keys[largest];
process.stdout.write(JSON.stringify({ variants, keys }) + '\n');
