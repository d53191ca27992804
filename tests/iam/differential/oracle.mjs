// Differential-test oracle: reads a JSON array of cases on stdin, decides each with
// @cloud-copilot/iam-simulate and writes a JSON array of results on stdout.
//
// LICENSE NOTE: @cloud-copilot/iam-simulate is AGPL-3.0. It is used only here, as a separate Node
// process that tests/iam/test_differential.py runs; it is never imported into, linked with or
// shipped with our code (node_modules/ is not committed, and nothing outside tests/ refers to it).
//
// The engine's core `authorize` is called directly (the package's runSimulation would drop context
// keys it does not know for the action and refuses session policies for IAM users); the case
// generator already produces only valid policies.
import { loadPolicy, validateIdentityPolicy, validateServiceControlPolicy } from '@cloud-copilot/iam-policy'

const engine = new URL('./node_modules/@cloud-copilot/iam-simulate/dist/esm/', import.meta.url)
const { authorize } = await import(new URL('core_engine/CoreSimulatorEngine.js', engine))
const { AwsRequestImpl } = await import(new URL('request/request.js', engine))
const { RequestContextImpl } = await import(new URL('requestContext.js', engine))
const { DiscoveryContextKeyConstraints } = await import(new URL('context_keys/discoveryContextKeyConstraints.js', engine))

const ACCOUNT = '123456789012'

function decide(c) {
  const load = (policy, i, validate) => {
    const errors = validate(policy)
    if (errors.length) throw new Error(`invalid policy ${JSON.stringify(errors)}`)
    return loadPolicy(policy, { name: `p${i}` })
  }
  const request = new AwsRequestImpl(
    c.principal,
    { resource: c.resource, accountId: ACCOUNT },
    c.action,
    new RequestContextImpl(c.context),
    c.resource === '*'
  )
  const analysis = authorize({
    request,
    sessionPolicy: c.session ? load(c.session, 's', validateIdentityPolicy) : undefined,
    identityPolicies: c.identity.map((p, i) => load(p, i, validateIdentityPolicy)),
    serviceControlPolicies: c.scps
      ? [{ orgIdentifier: 'o-example', policies: c.scps.map((p, i) => load(p, i, validateServiceControlPolicy)) }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    permissionBoundaries: c.boundaries ? c.boundaries.map((p, i) => load(p, i, validateIdentityPolicy)) : undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} }
  })
  return analysis.result
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const results = cases.map((c) => {
  try {
    return { id: c.id, result: decide(c) }
  } catch (error) {
    return { id: c.id, error: String(error && error.stack ? error.stack : error) }
  }
})
process.stdout.write(JSON.stringify(results))
