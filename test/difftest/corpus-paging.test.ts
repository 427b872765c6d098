// Difftest corpus, paging mode: both engines against QEMU's recorded dumps (see corpus-suite.ts).
import { corpusSuite } from './corpus-suite.js';

corpusSuite('paging');
