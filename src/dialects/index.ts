export type { DialectStream } from './dialect.ts';
export { nativeDialect, nativeFrame } from './native.ts';
