// Preloaded with `node --require` by the benchmarks: prints the process's peak resident set size
// (getrusage(2) ru_maxrss, via process.resourceUsage(), in KiB) on exit, so a whole-process run
// reports its own peak memory without an external tool.
process.on("exit", () => {
  process.stderr.write(`\nATVM_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
