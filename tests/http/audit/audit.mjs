// The GraphQL-over-HTTP audit of graphql-http (pinned by package-lock.json) against a running hub.
// Usage: HUB_AUDIT_AUTHORIZATION="Bearer <key>" node audit.mjs http://127.0.0.1:<port>/graphql
// Prints one JSON array: every audit's id, name and status ("ok", or "notice" | "warn" | "error"
// with the reason and what the hub answered).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const authorization = process.env.HUB_AUDIT_AUTHORIZATION;
if (!url || !authorization) {
  console.error('usage: HUB_AUDIT_AUTHORIZATION="Bearer <key>" node audit.mjs <url>');
  process.exit(2);
}

// Every GraphQL request to the hub needs credentials; the audit's requests carry none of their own.
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers ?? {}), authorization } });

const results = await auditServer({ url, fetchFn });
const report = [];
for (const result of results) {
  const { id, name, status } = result;
  if (status === 'ok') {
    report.push({ id, name, status });
    continue;
  }
  let body;
  try {
    body = (await result.response.text()).slice(0, 500);
  } catch {
    body = '(body already read)';
  }
  report.push({ id, name, status, reason: result.reason, answer: `${result.response.status} ${body}` });
}
console.log(JSON.stringify(report));
