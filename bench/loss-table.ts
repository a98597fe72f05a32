/**
 * The table bench/dtls-loss.ts and bench/setup-loss.ts print: for each loss rate, a time in
 * virtual ms over seeds 1..`seeds` (undefined = did not finish), as how many finished and
 * their median, 90th percentile and worst.
 */
export function printLossTable(title: string, losses: readonly number[], seeds: number, timeFor: (seed: number, loss: number) => number | undefined): void {
  console.log(title);
  console.log('loss'.padEnd(6), 'ok'.padStart(5), 'median'.padStart(8), 'p90'.padStart(8), 'worst'.padStart(8));
  for (const loss of losses) {
    const times: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const t = timeFor(seed, loss);
      if (t !== undefined) times.push(t);
    }
    times.sort((x, y) => x - y);
    const q = (p: number): string => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0) : '-');
    console.log(`${(loss * 100).toFixed(0)}%`.padEnd(6), `${times.length}`.padStart(5), q(0.5).padStart(8), q(0.9).padStart(8), q(1).padStart(8));
  }
}
