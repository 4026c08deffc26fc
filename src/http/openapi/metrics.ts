import type { ApiArea } from './operation.ts';

/** routes/metrics.ts */
export const metricsArea: ApiArea = {
  tag: 'Metrics',
  description: 'Prometheus metrics of this instance.',
  operations: [
    {
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics in the text exposition format',
      description:
        'Runs (active, ended by status), open streams, events appended by type, tokens, cost, time to ' +
        "the model's first chunk, HTTP responses by route, and Node's process metrics (event-loop lag). " +
        'Open like /health unless `metrics_token` (SLUICE_METRICS_TOKEN) is set; then it needs ' +
        '`Authorization: Bearer <metrics_token>`, and API keys are not accepted.',
      auth: false,
      responses: { 200: { description: 'The metrics.', text: 'text/plain' } },
      errors: ['unauthorized'],
    },
  ],
};
