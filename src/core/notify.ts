import type { ResolvedNotify } from '../config/options.js'
import { isWebhookUrl } from '../config/validate.js'
import type { ReportModel } from '../report/model.js'
import { buildNotification, shouldNotify } from '../report/notify-payload.js'

/** How long a webhook gets to answer, in ms. */
export const NOTIFY_TIMEOUT_MS = 5000

export interface NotifyDeps {
  /** @default globalThis.fetch */
  fetch: typeof fetch
  /** @default NOTIFY_TIMEOUT_MS */
  timeoutMs: number
}

/** Announces a judged run, when it must be; returns a problem to warn about, or undefined. */
export type Notifier = (model: ReportModel, notify: false | ResolvedNotify, env: Record<string, string | undefined>) => Promise<string | undefined>

/** The page of the CI run (GitHub Actions), when the variables are there and look right. */
export function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt } = env
  if (!server || !repo || !id || !isWebhookUrl(server) || !/^[\w.-]+\/[\w.-]+$/.test(repo) || !/^\d+$/.test(id)) return undefined
  const base = `${new URL(server).origin}/${repo}/actions/runs/${id}`
  return attempt && /^\d+$/.test(attempt) && attempt !== '1' ? `${base}/attempts/${attempt}` : base
}

/** Why a request failed, in words that never include the URL (nor its host, which the error's own message names). */
function failure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: unknown; name?: string } }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`
  const code = e.cause?.code
  if (code === 'ECONNREFUSED') return 'the connection was refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name was not found'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed before an answer'
  return `the request failed${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}`
}

/**
 * Posts the run's notification (see `buildNotification`) to the webhook of `notify.url`,
 * else of `$<notify.urlEnv>`, when the run calls for it. Never throws and never fails the
 * run: a refused connection, no answer within the timeout or an answer other than 2xx comes
 * back as a problem to warn about, which never contains the URL.
 */
export async function notifyRun(
  model: ReportModel,
  notify: false | ResolvedNotify,
  env: Record<string, string | undefined>,
  deps: Partial<NotifyDeps> = {},
): Promise<string | undefined> {
  if (notify === false || !shouldNotify(model, notify.on)) return undefined
  const { fetch: post, timeoutMs } = { fetch: globalThis.fetch, timeoutMs: NOTIFY_TIMEOUT_MS, ...deps }
  const source = notify.url ? 'notify.url' : `$${notify.urlEnv}`
  const url = notify.url?.reveal() ?? env[notify.urlEnv]?.trim()
  if (!url) return `notify: no webhook URL (set $${notify.urlEnv}, or notify.url): the run was not announced`
  if (!isWebhookUrl(url)) return `notify: ${source} is not an http:// or https:// URL (the value is not shown): the run was not announced`
  const body = JSON.stringify(buildNotification(model, ciRunUrl(env)))
  try {
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'perf-regression' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    })
    // The answer's body is not needed: let the connection go.
    await response.body?.cancel()
    if (!response.ok) return `notify: the webhook (${source}) answered HTTP ${response.status}: the run was not announced`
    return undefined
  } catch (error) {
    return `notify: cannot reach the webhook (${source}): ${failure(error, timeoutMs)}; the run was not announced`
  }
}
