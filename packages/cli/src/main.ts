export async function main(argv: readonly string[]): Promise<number> {
  return argv.length >= 0 ? 0 : 1;
}
