import type { Usage } from '../protocol/index.ts';

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, total_tokens: 0, total_cost: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    // Rounded so sums of many small float costs do not print as 0.30000000000000004.
    total_cost: Math.round((a.total_cost + b.total_cost) * 1e8) / 1e8,
  };
}
