// The interpreter: loading this module registers every handler group.
import './alu.js';
import './move.js';
import './control.js';
import './stack.js';
import './shift.js';
import './muldiv.js';
export { Interpreter, checkInterrupts, EXIT_BUDGET, EXIT_HALTED, EXIT_REQUESTED } from './exec.js';
export { HANDLERS, defineHandler, unhandledOps, type Handler } from './handlers.js';
