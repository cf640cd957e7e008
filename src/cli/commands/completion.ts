// spool completion bash|zsh|fish (SPEC §3 completion): print a completion script; and the hidden
// `spool __complete -- WORDS...` those scripts call on every TAB, which answers from the commander
// tree (commands, flags, choices) and from a running broker (topic and group names; nothing when
// none runs, and never an error: completion stays quiet).
import { Argument, type Command } from 'commander';
import { analyseWords, matching, type Suggestion } from '../completion/complete-words.js';
import { FILES_DIRECTIVE, SHELLS, completionScript, type Shell } from '../completion/completion-scripts.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';

export function registerCompletion(program: Command, io: CliIo): void {
  subcommand(program, 'completion', 'print a shell completion script (commands, flags, topic and group names)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(spool completion bash)                 in ~/.bashrc
  source <(spool completion zsh)                  in ~/.zshrc (after compinit)
  spool completion fish > ~/.config/fish/completions/spool.fish

Topic and group names come from the running broker; with none running they are not offered.`,
    )
    .action(async (shell: Shell) => {
      await writeOut(io.stdout, completionScript(shell));
    });

  program
    .command('__complete', { hidden: true })
    .description('suggestions for the completion scripts')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .exitOverride()
    .action(async (words: string[]) => {
      await writeOut(io.stdout, await suggestions(program, words, io));
    });
}

async function suggestions(program: Command, words: readonly string[], io: CliIo): Promise<string> {
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
        const { brokerNames } = await import('../completion/broker-names.js');
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
