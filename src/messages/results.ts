import type { Catalogue } from './index.js';

export const resultsMessages: Catalogue = {
  // reading a results file
  'results.noHeader': {
    zh: '{file} 中找不到检查结果表头（需要「任务编号」或「抽签编号」+「统一社会信用代码」，以及「检查日期」「检查结果」）',
    en: 'no results header found in {file} (needs 任务编号, or 抽签编号 + 统一社会信用代码, and 检查日期, 检查结果)',
  },
  'results.noHeaderHint': {
    zh: '最接近表头的一行：{found}。可用 `sj results template` 生成模板',
    en: 'closest candidate header: {found}. `sj results template` writes a template',
  },
  'results.badFile': {
    zh: '{file} 有 {n} 处问题，未导入任何结果',
    en: '{file} has {n} problems; no result was imported',
  },
  'results.badFileHint': {
    zh: '改正上列各行后重新导入；尚未检查的任务请将「检查日期」和「检查结果」留空',
    en: 'correct the rows listed and import again; leave 检查日期 and 检查结果 empty for tasks not yet inspected',
  },
  // row problems
  'results.p.unknownTask': { zh: '没有任务编号为 {value} 的任务', en: 'no task numbered {value}' },
  'results.p.objectMismatch': {
    zh: '信用代码 {value} 与任务 {task} 的检查对象 {object} 不符',
    en: 'credit code {value} does not match the object {object} of task {task}',
  },
  'results.p.noTaskForObject': { zh: '抽签 {draw} 中没有检查对象 {object} 的任务', en: 'draw {draw} has no task for object {object}' },
  'results.p.missingTask': { zh: '缺少任务编号（或抽签编号＋统一社会信用代码）', en: 'task number missing (or draw id + credit code)' },
  'results.p.voidedDraw': { zh: '任务 {task} 所属抽签 {draw} 已作废', en: 'task {task} belongs to the voided draw {draw}' },
  'results.p.duplicate': { zh: '任务 {task} 在本文件中重复（首次出现在第 {row} 行）', en: 'task {task} appears twice in the file (first at row {row})' },
  'results.p.missingDate': { zh: '已填检查结果，但缺少检查日期', en: 'an outcome is given but the inspection date is missing' },
  'results.p.badDate': { zh: '无法识别的日期：{value}', en: 'unrecognised date: {value}' },
  'results.p.beforeDraw': {
    zh: '检查日期 {date} 早于抽签 {draw} 的日期 {drawDate}',
    en: 'inspection date {date} is before the date {drawDate} of draw {draw}',
  },
  'results.p.future': { zh: '日期 {date} 晚于今天（{today}）', en: 'date {date} is after today ({today})' },
  'results.p.missingOutcome': { zh: '已填检查日期，但缺少检查结果', en: 'an inspection date is given but the outcome is missing' },
  'results.p.badOutcome': { zh: '无法识别的检查结果：{value}（可选：{list}）', en: 'unknown outcome: {value} (one of: {list})' },
  'results.p.badMethod': { zh: '无法识别的检查方式：{value}（现场检查 / 非现场检查）', en: 'unknown method: {value} (现场检查 / 非现场检查)' },
  'results.p.fine.negative': { zh: '罚款金额不能为负：{value}', en: 'a fine cannot be negative: {value}' },
  'results.p.fine.malformed': { zh: '无法识别的金额：{value}（单位元，如 12345 或 1,234.50）', en: 'unrecognised amount: {value} (in 元, e.g. 12345 or 1,234.50)' },
  'results.p.fine.decimals': { zh: '金额最多两位小数：{value}', en: 'at most two decimals in an amount: {value}' },
  'results.p.fine.too-large': { zh: '金额过大：{value}', en: 'amount too large: {value}' },
  'results.p.badYesNo': { zh: '应填 是 或 否：{value}', en: 'expected 是 or 否 (yes/no): {value}' },
  'results.p.publishedBeforeInspection': { zh: '公示日期 {date} 早于检查日期 {inspected}', en: 'publication date {date} is before the inspection date {inspected}' },
  'results.p.confidentialPublished': { zh: '涉密结果不应公示，却填写了公示日期', en: 'a confidential result has a publication date' },
  'results.p.badText': { zh: '含有不可见的控制字符', en: 'contains invisible control characters' },
  // import summary
  'results.imported': {
    zh: '已导入检查结果：{file}（批次 {batch}）：新增 {added}，更新 {updated}，未变 {unchanged}，未检查跳过 {skipped}',
    en: 'results imported from {file} (batch {batch}): {added} added, {updated} updated, {unchanged} unchanged, {skipped} not yet inspected',
  },
  'results.nothingChanged': {
    zh: '{file}：没有新的或变更的结果（未变 {unchanged}，未检查跳过 {skipped}），未写入新批次',
    en: '{file}: no new or changed results ({unchanged} unchanged, {skipped} not yet inspected); no batch written',
  },
  'results.dryRun': {
    zh: '试运行（未写入）：{file} 将新增 {added}，更新 {updated}，未变 {unchanged}，未检查跳过 {skipped}',
    en: 'dry run (nothing written): {file} would add {added}, update {updated}; {unchanged} unchanged, {skipped} not yet inspected',
  },
  'results.creditAdded': { zh: '信用记录：{n} 条（立案处罚、移送、移送公安）', en: 'credit records: {n} (立案处罚, 移送, 移送公安)' },
  'results.publishedStamped': { zh: '按「公示日期」登记公示：{n} 项', en: 'stamped published from 公示日期: {n}' },
  'results.ledger': { zh: '台账 #{seq}，头哈希：{hash}', en: 'ledger #{seq}, head: {hash}' },
  // template, list, open
  'results.template.written': { zh: '已写出结果模板 {file}：{n} 项任务', en: 'results template written to {file}: {n} tasks' },
  'results.template.none': { zh: '没有可填写结果的任务（该季度没有有效抽签）', en: 'no tasks to fill in (no live draw in that scope)' },
  'results.template.needScope': { zh: '需要 --quarter 或 --draw', en: '--quarter or --draw is required' },
  'results.none': { zh: '没有检查结果', en: 'no results' },
  'results.open.none': { zh: '没有待整改的问题', en: 'no open problems' },
  'results.open.count': { zh: '待整改 {n} 项（发现问题且未整改完成），按检查日期由早到晚', en: '{n} open (problem found, not rectified), oldest first' },
  'results.calendarGap': {
    zh: '工作日历未包含 {years} 年：这些年份仅按周末计算（可用 sj rules calendar import 补充）',
    en: 'the working-day calendar lacks {years}: weekends only for those years (add them with sj rules calendar import)',
  },
  'results.listCount': { zh: '{n} 项结果', en: '{n} results' },
  // verify
  'results.verify.payload': { zh: '结果批次 {batch} 的台账内容不是有效 JSON', en: 'the ledger payload of result batch {batch} is not valid JSON' },
  'results.verify.batchRow': { zh: '结果批次 {batch} 的记录与台账不符（文件、哈希、时间或行数）', en: 'result batch {batch} does not match its ledger entry (file, hash, time or row count)' },
  'results.verify.edited': {
    zh: '结果批次 {batch} 中任务 {task} 的结果（vid {vid}）与台账不符：被绕过 sj 修改',
    en: 'the result of task {task} in batch {batch} (vid {vid}) differs from the ledger: edited behind sj\'s back',
  },
  'results.verify.extra': { zh: '结果批次 {batch} 中多出任务 {task} 的结果：被绕过 sj 插入', en: 'batch {batch} has a result for task {task} the ledger does not: inserted behind sj\'s back' },
  'results.verify.missing': { zh: '结果批次 {batch} 中任务 {task} 的结果缺失：被绕过 sj 删除', en: 'the result of task {task} in batch {batch} is missing: deleted behind sj\'s back' },
  'results.verify.chain': { zh: '任务 {task} 的结果版本（vid {vid}）当前/被替代标记不一致', en: 'the current/superseded marks of task {task}\'s result (vid {vid}) are inconsistent' },
  'results.verify.orphan': { zh: '任务 {task} 的结果（vid {vid}）不属于任何批次', en: 'the result of task {task} (vid {vid}) belongs to no batch' },
  // publish
  'publish.needQuarter': { zh: '需要 --quarter（或 --overdue）', en: '--quarter is required (or --overdue)' },
  'publish.dryRun': {
    zh: '试运行（未登记公示）：可公示 {published} 项，涉密不公示 {withheld} 项',
    en: 'dry run (nothing stamped): {published} publishable, {withheld} withheld as confidential',
  },
  'publish.done': {
    zh: '已公示 {quarter}：{published} 项（本次新登记 {stamped} 项，公示日期 {date}），涉密不公示 {withheld} 项',
    en: 'published {quarter}: {published} results ({stamped} newly stamped, dated {date}); {withheld} withheld as confidential',
  },
  'publish.written': { zh: '公示清单已写出：{file}', en: 'public list written to {file}' },
  'publish.badOut': { zh: '--out 只支持 .xlsx 或 .csv：{file}', en: '--out must end in .xlsx or .csv: {file}' },
  'publish.none': { zh: '{quarter} 没有可公示的结果', en: 'no publishable results for {quarter}' },
  'publish.overdue.none': { zh: '没有逾期或临期未公示的结果', en: 'no result is overdue or nearly due for publication' },
  'publish.overdue.count': {
    zh: '未公示结果：逾期 {overdue} 项，{soon} 个工作日内到期 {dueSoon} 项（公示时限：检查后 {days} 个工作日）',
    en: 'unpublished results: {overdue} overdue, {dueSoon} due within {soon} working days (deadline: {days} working days after the inspection)',
  },
  'publish.state.overdue': { zh: '逾期 {n} 个工作日', en: 'overdue by {n} working days' },
  'publish.state.due-soon': { zh: '剩 {n} 个工作日', en: '{n} working days left' },
  'publish.state.today': { zh: '今天到期', en: 'due today' },
};
