// The interpreter: loading this module registers every handler group.
import './alu.js';
import './move.js';
import './control.js';
import './stack.js';
import './shift.js';
import './muldiv.js';
import '../seg.js';
import '../system.js';
import '../control-regs.js';
import '../flags-sys.js';
import '../swint.js';
import '../control-far.js';
import '../iret.js';
import '../io.js';
import '../cpuid.js';
import '../msr.js';
export { Interpreter, checkInterrupts, EXIT_BUDGET, EXIT_HALTED, EXIT_REQUESTED } from './exec.js';
export { HANDLERS, defineHandler, unhandledOps, type Handler } from './handlers.js';
