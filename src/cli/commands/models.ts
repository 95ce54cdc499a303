import type { CliContext } from '../context';
import { lifecycleNote } from '../../core/catalog/lifecycle';
import { formatTokens } from '../../core/format';
import { table } from '../format';

export const MODELS_USAGE = 'switchboard models [--json]';

/** Lists the catalog, with local models found on this machine. */
export async function modelsCommand(ctx: CliContext, options: { json: boolean }): Promise<number> {
  await ctx.gateway.discoverLocalModels();
  const entries = ctx.gateway.catalog.entries();
  if (options.json) {
    ctx.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return 0;
  }
  const price = (n: number | undefined) => (n === undefined ? '-' : `$${n}`);
  const rows = [['MODEL', 'CONTEXT', 'INPUT/1M', 'OUTPUT/1M', 'CAPABILITIES', 'NOTE']];
  const now = new Date();
  for (const e of entries) {
    const caps = Object.entries(e.capabilities).filter(([, on]) => on).map(([name]) => name).join(',');
    rows.push([e.id, formatTokens(e.contextWindow), price(e.price?.input), price(e.price?.output), caps, lifecycleNote(e, now) ?? '']);
  }
  ctx.stdout.write(table(rows));
  return 0;
}
