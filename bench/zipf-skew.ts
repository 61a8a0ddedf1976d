import { pathToFileURL } from 'node:url';

/**
 * Key skew under a Zipf distribution: the share of all traffic that the most popular key receives when N keys
 * are drawn with probability ∝ 1/rank^s. Used by docs/capacity.md to size hot keys (a viral video's links, a
 * viral job's applications) against DynamoDB's per-partition limits (1,000 WCU, 3,000 RCU per second).
 */
export const topShares = (keys: number, exponent: number, ranks: readonly number[]): number[] => {
  let harmonic = 0;
  // The sum converges for s > 1; summing the first ten million terms and integrating the tail is exact enough.
  const exact = Math.min(keys, 10_000_000);
  for (let rank = 1; rank <= exact; rank++) harmonic += rank ** -exponent;
  if (keys > exact) harmonic += (exact ** (1 - exponent) - keys ** (1 - exponent)) / (exponent - 1);
  return ranks.map((rank) => rank ** -exponent / harmonic);
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [keys = 1e9, exponent = 1.1, rate = 100_000] = process.argv.slice(2).map(Number);
  const ranks = [1, 10, 100, 1000];
  const shares = topShares(keys, exponent, ranks);
  console.log(
    `Zipf s=${exponent} over ${keys.toExponential(2)} keys at ${rate.toLocaleString('en')} requests/s:`,
  );
  ranks.forEach((rank, index) => {
    const share = shares[index]!;
    console.log(`  rank ${rank}: ${(share * 100).toFixed(3)} % → ${(share * rate).toFixed(0)} requests/s`);
  });
}
