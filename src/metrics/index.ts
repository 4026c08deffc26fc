export { registerHttpMetrics } from './http-metrics.ts';
export { MeasuredProviderSet, measureFirstChunk } from './measured-providers.ts';
export { type MetricsSources, SluiceMetrics } from './metrics.ts';
