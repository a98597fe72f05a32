// Loaded into every test process (scripts/test.mjs passes it with --import). Property tests
// run with one seed so that a run repeats exactly; set FC_SEED to explore other inputs, and
// a failure prints the seed and path that reproduce it.
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 0x5a5a);
fc.configureGlobal({ seed });
