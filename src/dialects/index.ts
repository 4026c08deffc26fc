export { nativeFrame } from './native.ts';
