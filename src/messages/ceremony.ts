import type { Catalogue } from './index.js';

/** The draw ceremony: sj draw commit / reveal, voiding a commit, the commitment shown on draws and task lists. */
export const ceremonyMessages: Catalogue = {
  'ceremony.cmd.commit': {
    zh: '抽签承诺：在随机数产生之前固定并公布抽签范围、参数和名录快照（不抽出任何结果）',
    en: 'commit a draw: fix and publish its scope, parameters and roster snapshot before the entropy exists (draws nothing)',
  },
  'ceremony.cmd.reveal': {
    zh: '揭晓：用公布的随机数，按承诺的快照和参数完成抽签',
    en: 'reveal: make the committed draw(s) with the announced entropy, exactly as committed',
  },
  'ceremony.opt.entropySource': {
    zh: '随机数来源（公告用），如 "福彩3D 2023年第095期开奖号码" 或 "现场掷骰，见证人：…"',
    en: 'where the entropy will come from (announced), e.g. "福彩3D 2023年第095期开奖号码" or "dice rolled in public, witnesses: …"',
  },
  'ceremony.opt.entropy': { zh: '随机数（骰子点数、开奖号码），按公告的来源', en: 'the entropy (dice digits, the lottery result), from the announced source' },
  'ceremony.needSource': {
    zh: '需要 --entropy-source：说明随机数将从哪里来（在它产生之前公布）',
    en: '--entropy-source is required: say where the entropy will come from (announced before it exists)',
  },
  'ceremony.needEntropy': { zh: '需要 --entropy：按承诺公布的来源得到的随机数', en: '--entropy is required: the entropy from the announced source' },
  'ceremony.unknown': { zh: '没有编号为 {id} 的抽签承诺', en: 'no commit with id {id}' },
  'ceremony.unknownHint': { zh: '承诺编号由 sj draw commit 给出；`sj ledger list` 也列出每条承诺', en: 'sj draw commit printed the commit id; `sj ledger list` lists every commit too' },
  'ceremony.alreadyRevealed': {
    zh: '承诺 {id} 已揭晓（抽签 {draws}），不能再揭晓一次',
    en: 'commit {id} has been revealed (draws {draws}); it cannot be revealed again',
  },
  'ceremony.alreadyRevealedHint': {
    zh: '抽签结果一经确定不得变更；如确有错误，作废该抽签并重新承诺',
    en: 'a drawn list is fixed once made; if it was made in error, void the draw and commit again',
  },
  'ceremony.alreadyVoided': { zh: '承诺 {id} 已作废（{reason}）', en: 'commit {id} is void ({reason})' },
  'ceremony.stale': {
    zh: '承诺 {id} 之后台账记录的抽签、作废或补抽改变了 {draw} 的可抽对象，不能按承诺揭晓',
    en: 'draws, voids or substitutions recorded since commit {id} change who {draw} may draw; it cannot be revealed as committed',
  },
  'ceremony.staleHint': {
    zh: '作废该承诺（sj draw void {id} --reason "原因"），再重新承诺',
    en: 'void the commit (sj draw void {id} --reason "why") and commit again',
  },
  'ceremony.committed': {
    zh: '承诺 {id} 已记入台账（第 {seq} 条）：{quarter} {draws}',
    en: 'commit {id} recorded in the ledger (entry {seq}): {quarter} {draws}',
  },
  'ceremony.drawLine': {
    zh: '  {id}（{level}）：对象 {objects} 个，快照哈希 {hash}',
    en: '  {id} ({level}): {objects} objects, snapshot hash {hash}',
  },
  'ceremony.head': { zh: '台账头哈希（请立即公布）：{hash}', en: 'ledger head (publish it now): {hash}' },
  'ceremony.announceTitle': { zh: '—— 公告文本 ——', en: '—— announcement ——' },
  'ceremony.announce': {
    zh: '{unit}{quarter}“双随机、一公开”抽查抽签承诺（{id}）\n' +
      '承诺时间：{at}\n' +
      '抽签：{draws}\n' +
      '抽查对象名录快照、抽查比例和全部抽签参数已于上述时间固定并记入防篡改台账，其后不再改变；抽签算法：{algorithm}；规则哈希：{rules}。\n' +
      '随机数来源：{source}。随机数产生后即据此揭晓抽签，任何人可凭证据文件复算核对。\n' +
      '台账第 {seq} 条，台账头哈希：{hash}',
    en: '{unit} — "double random, one public" draw commitment for {quarter} ({id})\n' +
      'Committed at: {at}\n' +
      'Draws: {draws}\n' +
      'The roster snapshot, the rates and every draw parameter were fixed at that time and recorded in the tamper-evident ledger; they will not change. Algorithm: {algorithm}; rules hash: {rules}.\n' +
      'Entropy source: {source}. Once the entropy exists the draw is revealed with it; anyone can recompute it from the evidence files.\n' +
      'Ledger entry {seq}, ledger head: {hash}',
  },
  'ceremony.announceDraw': { zh: '{id}（{level}，{regions}，快照哈希 {hash}）', en: '{id} ({level}, {regions}, snapshot hash {hash})' },
  'ceremony.rostersChanged': {
    zh: '名录库在承诺之后有变动；揭晓按承诺时的快照抽签（公布的是承诺），变动不影响本次抽签',
    en: 'the rosters changed since the commit; the reveal draws from the committed snapshot (what was published), the changes do not count for it',
  },
  'ceremony.revealed': {
    zh: '承诺 {id} 已揭晓：{draws}',
    en: 'commit {id} revealed: {draws}',
  },
  'ceremony.voided': { zh: '承诺 {id} 已作废，其抽签编号不再使用；台账头哈希：{hash}', en: 'commit {id} voided; its draw ids stay unused; ledger head: {hash}' },
  'ceremony.show.committed': {
    zh: '承诺于 {at}（承诺 {id}，台账第 {seq} 条），随机数产生之前；随机数来源：{source}',
    en: 'committed at {at} (commit {id}, ledger entry {seq}) before the entropy was known; entropy source: {source}',
  },
  'ceremony.show.uncommitted': {
    zh: '未经承诺：直接抽签（范围与参数未在随机数产生之前公布）',
    en: 'uncommitted: a direct draw (its scope and parameters were not published before the entropy)',
  },
  'ceremony.file.committed': {
    zh: '{id} 承诺于 {at}（台账第 {seq} 条），随机数产生之前；随机数来源：{source}',
    en: '{id} committed at {at} (ledger entry {seq}) before the entropy was known; entropy source: {source}',
  },
};
