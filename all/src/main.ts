import 'reflect-metadata';
import { startOneProcess } from './one-process.js';

await startOneProcess();
