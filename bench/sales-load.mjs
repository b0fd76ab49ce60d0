// Load generator for POST /v1/track/{lead,sale}, run as its own process by bench/sales.ts.
// Plain JS because autocannon ships no types. Prints autocannon's result as one JSON line.
import autocannon from 'autocannon';

const cfg = JSON.parse(process.argv[2]);
let n = 0;
const bodyOf =
  cfg.kind === 'lead'
    ? (i) => ({ code: cfg.codes[i % cfg.codes.length], programId: cfg.programId, customer: { externalId: `cust-${i}` } })
    : (i) => ({
        programId: cfg.programId,
        customerExternalId: `cust-${i % cfg.customers}`,
        externalId: `${cfg.prefix}-${i}`, // unique per request: every sale is a new event
        amount: 4900 + (i % 7) * 100,
        currency: 'EUR',
      });

autocannon(
  {
    url: cfg.base,
    connections: cfg.connections,
    ...(cfg.amount ? { amount: cfg.amount } : { duration: cfg.seconds }),
    requests: [
      {
        method: 'POST',
        path: `/v1/track/${cfg.kind}`,
        headers: { authorization: `Bearer ${cfg.key}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(bodyOf(n++)) }),
      },
    ],
  },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    process.stdout.write(`${JSON.stringify({ ...result, generated: n })}\n`);
  },
);
