// The local stack's IAM policy evaluator: one JSON request per stdin line, one JSON answer per
// stdout line, in order, for as long as stdin is open (scripts/lib/moto_iam.py keeps one running).
//
// Request: {"principal": ARN, "action": "s3:GetObject", "resource": ARN, "account": "123456789012",
//           "policies": [{"name": ..., "document": {...}}], "context": {"aws:TagKeys": [...], ...},
//           "boundaries": [{"name": ..., "document": {...}}] (the principal's permissions boundary, if any)}
// Answer:  {"decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied",
//           "matched": [{"policy": name, "statement": sid-or-index, "effect": "Allow"|"Deny"}],
//           "error": message (only when the evaluator refused the request: the caller denies)}
//
// The decision is @cloud-copilot/iam-simulate's (AGPL-3.0-or-later): this file only translates.
// Usage: node evaluate.mjs INSTALL_DIR (where scripts/tools ran `npm ci` on this package-lock.json).
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const { runSimulation, runUnsafeSimulation } = createRequire(join(process.argv[2], 'package.json'))('@cloud-copilot/iam-simulate')

function statements(analysis, effect) {
  const list = effect === 'Deny' ? analysis?.denyStatements : analysis?.allowStatements
  return (list || []).map((s) => ({
    policy: s.policyId ?? s.policyIdentifier ?? '',
    statement: s.statement?.sid?.() ?? String(s.statement?.index?.() ?? s.explain?.identifier ?? ''),
    effect
  }))
}

async function evaluate(req) {
  const simulation = {
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: req.account },
      contextVariables: req.context || {}
    },
    identityPolicies: (req.policies || []).map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: (req.boundaries || []).map((p) => ({ name: p.name, policy: p.document }))
  }
  const res = await runSimulation(simulation, {})
  if (res.resultType === 'error' && res.errors.message === 'no.resource.types') {
    // An ARN AWS documents that iam-simulate knows no resource type for (an SSM public parameter,
    // arn:aws:ssm:REGION::parameter/aws/..., has no account): evaluate the statements as written.
    return { decision: runUnsafeSimulation(simulation, {}), matched: [], unvalidated: true }
  }
  if (res.resultType === 'error') {
    return { decision: 'ImplicitlyDenied', matched: [], error: res.errors.message }
  }
  const results = res.resultType === 'single' ? [res.result] : res.results
  const matched = []
  for (const r of results) {
    const identity = r.analysis?.identityAnalysis
    matched.push(...statements(identity, 'Deny'), ...statements(identity, 'Allow'))
  }
  return { decision: res.overallResult, matched }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let answer
  try {
    answer = await evaluate(JSON.parse(line))
  } catch (e) {
    answer = { decision: 'ImplicitlyDenied', matched: [], error: String(e?.message || e) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
