// The answer to `spool __complete -- WORDS...` (the completion scripts call it on every TAB): from
// the commander tree (commands, flags, choices) and from a running broker (topic and group names;
// nothing when none runs, and never an error: completion stays quiet).
import type { Command } from 'commander';
import { analyseWords, matching, type Suggestion } from './complete-words.js';
import { FILES_DIRECTIVE } from './completion-scripts.js';
import type { CliIo } from '../../term/io.js';

export async function suggestions(program: Command, words: readonly string[], io: CliIo): Promise<string> {
  try {
    const analysis = analyseWords(program, words.length === 0 ? [''] : words);
    const { completion, current } = analysis;
    let found: Suggestion[];
    switch (completion.kind) {
      case 'words':
        found = matching(completion.suggestions, current);
        break;
      case 'topics':
      case 'groups': {
        const flags = { ...(analysis.dataDir === undefined ? {} : { dataDir: analysis.dataDir }), ...(analysis.socket === undefined ? {} : { socket: analysis.socket }) };
        const { brokerNames } = await import('./broker-names.js');
        const names = await brokerNames(completion.kind, flags, io.env);
        found = matching(names.map((word) => ({ word, description: '' })), current);
        break;
      }
      case 'files':
        return `${FILES_DIRECTIVE}\n`;
      case 'none':
        found = [];
    }
    return found.map((s) => (s.description === '' ? s.word : `${s.word}\t${oneLine(s.description)}`)).join('\n') + (found.length > 0 ? '\n' : '');
  } catch {
    return '';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
