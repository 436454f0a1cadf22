import type { Catalogue } from './index.js';

export const common: Catalogue = {
  'cli.description': {
    zh: 'sj —— 生态环境“双随机、一公开”抽查：名录库导入、可复现抽签、防篡改台账、结果公示与统计',
    en: 'sj — "double random, one public" inspection draws: rosters, reproducible draws, tamper-evident ledger, results and statistics',
  },
  'word.rowN': { zh: '第 {n} 行', en: 'row {n}' },
  'error.prefix': { zh: '错误', en: 'error' },
  'error.hint': { zh: '提示', en: 'hint' },
  'error.internal': {
    zh: '内部错误（请将以下信息报告给维护者）：{message}',
    en: 'internal error (please report this to the maintainers): {message}',
  },
  'error.more': { zh: '……另有 {n} 处问题未列出', en: '… and {n} more problems not shown' },
  'usage.unknownOption': { zh: '未知选项：{option}', en: 'unknown option: {option}' },
  'usage.missingArgument': { zh: '缺少参数：{arg}', en: 'missing argument: {arg}' },
  'usage.missingFlag': {
    zh: '需要 {flag}（非交互运行时不会提问）',
    en: '{flag} is required (a non-interactive run never prompts)',
  },
  'usage.seeHelp': { zh: '运行 `sj {cmd} --help` 查看用法', en: 'run `sj {cmd} --help` for usage' },
  'usage.badValue': { zh: '{flag} 的值无效：{value}', en: 'invalid value for {flag}: {value}' },
  'db.newer': {
    zh: '数据库 {path} 由更新版本的 sj 写入（架构版本 {found}，本程序支持到 {known}），未做任何修改',
    en: 'database {path} was written by a newer sj (schema version {found}, this sj knows up to {known}); left unchanged',
  },
  'db.newerHint': { zh: '请升级 sj 后再打开此数据库', en: 'upgrade sj to open this database' },
  'db.notSj': { zh: '{path} 不是 sj 数据库', en: '{path} is not an sj database' },
  'db.missing': { zh: '数据库 {path} 不存在', en: 'database {path} does not exist' },
  'db.missingHint': {
    zh: '先导入名录库（sj import objects FILE），或用 --db 指定已有数据库',
    en: 'import a roster first (sj import objects FILE), or point --db at an existing database',
  },
  'db.busy': {
    zh: '数据库正被另一个 sj 进程占用，请稍后重试',
    en: 'the database is in use by another sj process; try again shortly',
  },
  'interrupted': { zh: '已取消，未做任何修改', en: 'cancelled; nothing was changed' },
  'quarter.bad': {
    zh: '无法识别的季度：{value}。可用格式：2023Q2、2023-Q2、2023年第二季度',
    en: 'unrecognised quarter: {value}. Accepted forms: 2023Q2, 2023-Q2, 2023年第二季度',
  },
  'date.bad': {
    zh: '无法识别的日期：{value}（格式 YYYY-MM-DD）',
    en: 'unrecognised date: {value} (use YYYY-MM-DD)',
  },
  'region.unknown': { zh: '未知区域：{value}', en: 'unknown region: {value}' },
  'region.unknownHint': { zh: '运行 `sj regions list` 查看区域代码', en: 'run `sj regions list` for the region codes' },
  'demo.notDemo': { zh: '{path} 已存在且不是演示数据库，未做任何修改', en: '{path} exists and is not a demo database; left unchanged' },
  'demo.notDemoHint': { zh: '用 --db 指定另一个文件，例如 sj --db demo.db demo', en: 'point --db at another file, e.g. sj --db demo.db demo' },
  'demo.step.import': { zh: '1. 导入衡水示例名录库（检查对象、执法人员、专家、事项、回避）', en: '1. importing the Hengshui sample rosters (objects, inspectors, experts, items, recusals)' },
  'demo.step.draw': { zh: '2. {quarter} 抽签（先市级、后县级），随机种子：{entropy}', en: '2. {quarter} draws (city, then county), entropy: {entropy}' },
  'demo.step.verify': { zh: '3. 校验台账与抽签', en: '3. verifying the ledger and the draws' },
  'demo.step.results': { zh: '4. 录入模拟检查结果并公示', en: '4. recording simulated results and publishing' },
  'demo.step.report': { zh: '5. 季度统计表与目标检查', en: '5. quarterly statistics table and target check' },
  'demo.check': { zh: '  目标检查：共 {total} 项，未达标 {missed} 项', en: '  targets: {total} checked, {missed} missed' },
  'demo.checkHint': { zh: '  详情：sj --db sj-demo.db check --quarter {quarter}（有未达标项时退出码为 3）', en: '  details: sj --db sj-demo.db check --quarter {quarter} (exit status 3 when a target is missed)' },
  'demo.tasks': { zh: '项任务', en: 'tasks' },
  'demo.shortfall': { zh: '缺口', en: 'shortfall' },
  'demo.done': {
    zh: '演示完成。数据库：{db}；文件：{dir}/；台账头哈希：{hash}\n继续探索：sj --db {db} draw list',
    en: 'demo done. database: {db}; files: {dir}/; ledger head: {hash}\nexplore: sj --db {db} draw list',
  },
};
