// tsc emits only JavaScript; the SQL migrations the store applies at start-up are copied beside it.
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });
